// Formatting helpers.
#include "ui/format.hpp"

#include "core/number_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ap::ui {

namespace {
std::string printf_string(const char* fmt, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}
}  // namespace

std::string format_cell(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  const double a = std::fabs(v);
  if (a == 0) return "0";
  if (a >= 1e4 || a < 1e-3) return printf_string("%.1e", v);
  if (a >= 100) return printf_string("%.0f", v);
  if (a >= 10) return printf_string("%.1f", v);
  return printf_string("%.3f", v);
}

std::string format_precise(double v) {
  if (std::isnan(v)) return "NaN (undefined: an overflow upstream, explained above the view)";
  return printf_string("%.6g", v);
}

std::string format_exact(double v) { return std::isfinite(v) ? core::number_text(v) : format_cell(v); }

std::string format_cell_fitting(double v, std::size_t max_chars) {
  if (!std::isfinite(v) || v == 0) {
    std::string s = format_cell(v);
    return s.size() <= max_chars ? s : "";
  }
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e4) {  // fixed point, fewer decimals until it fits
    for (int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 3; decimals >= 0; --decimals) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
      std::string s = buf;
      if (s.size() <= max_chars && std::strtod(buf, nullptr) != 0) return s;
    }
  }
  const std::string e = printf_string("%.1e", v), e0 = printf_string("%.0e", v);
  if (e.size() <= max_chars) return e;
  if (e0.size() <= max_chars) return e0;
  if (a < 1e-3) {
    const std::string tiny = v > 0 ? "<0.001" : "-<0.001";
    if (tiny.size() <= max_chars) return tiny;
  }
  if (a < 1e-2) {
    const std::string small = v > 0 ? "<.01" : "-<.01";
    if (small.size() <= max_chars) return small;
  }
  return "";
}

}  // namespace ap::ui
