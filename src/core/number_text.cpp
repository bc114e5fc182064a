// Shortest round-trip decimals through printf/strtod (Emscripten's libc++ has no floating std::to_chars).
#include "core/number_text.hpp"

#include <cfloat>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ap::core {

std::string number_text(double value) {
  // A normal double carries at least 15.9 significant digits, so when any decimal of 15 digits or fewer
  // reads back as it, "%.15g" (trailing zeros dropped) is that decimal: the search starts at 15. A subnormal
  // carries fewer digits (5e-324 has one), so its search starts at 1.
  const bool subnormal = value != 0 && std::fabs(value) < DBL_MIN;
  char buffer[40];
  for (int precision = subnormal ? 1 : 15; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;  // NaN never equals: it ends at 17 digits, as "nan"
  }
  std::string text = buffer;
  // printf and strtod share the C locale's decimal point; the text always uses '.'
  const std::string point = std::localeconv()->decimal_point;
  if (point != ".")
    for (std::size_t at = text.find(point); at != std::string::npos; at = text.find(point, at + 1))
      text.replace(at, point.size(), ".");
  return text;
}

}  // namespace ap::core
