// Number formatting for cells and tooltips: short, never "nan" without a word of why.
#pragma once

#include <string>

namespace ap::ui {

std::string format_cell(double v);     // fits a small cell: "0.707", "-12.3", "1.2e+04"
std::string format_precise(double v);  // tooltips: 6 significant digits

}  // namespace ap::ui
