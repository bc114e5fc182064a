// Formatting helpers.
#include "ui/format.hpp"

#include <cmath>
#include <cstdio>

namespace ap::ui {

namespace {
std::string printf_string(const char* fmt, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}
}  // namespace

std::string format_cell(double v) {
  if (std::isnan(v)) return "NaN?";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  const double a = std::fabs(v);
  if (a == 0) return "0";
  if (a >= 1e4 || a < 1e-3) return printf_string("%.1e", v);
  if (a >= 100) return printf_string("%.0f", v);
  if (a >= 10) return printf_string("%.1f", v);
  return printf_string("%.3f", v);
}

std::string format_precise(double v) {
  if (std::isnan(v)) return "NaN (not a number: report this, the core should never produce it)";
  return printf_string("%.6g", v);
}

}  // namespace ap::ui
