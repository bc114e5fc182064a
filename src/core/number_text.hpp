// A double as a person writes it, for messages and exported text: the shortest decimal (at most 17
// significant digits) that reads back as the same double, '.' whatever the C locale, never throwing
// (subnormals, infinities and NaN included). std only.
#pragma once

#include <string>

namespace ap::core {

// 0.1 → "0.1", 1.0 → "1", 1e300 → "1e+300", 5e-324 → "4.9406564584124654e-324", -0.0 → "-0", inf → "inf".
std::string number_text(double value);

}  // namespace ap::core
