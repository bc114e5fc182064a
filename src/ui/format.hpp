// Number formatting for cells and tooltips: short, never "nan" without a word of why.
#pragma once

#include <cstddef>
#include <string>

namespace ap::ui {

std::string format_cell(double v);     // fits a small cell: "0.707", "-12.3", "1.2e+04"
std::string format_precise(double v);  // tooltips: 6 significant digits
std::string format_exact(double v);    // the shortest text that reads back as exactly v: "-0.55", "0.1"
// The most precise of format_cell's forms that is at most max_chars long: "0.4732" → "0.47" → "0.5"; a value
// too small to show in the room left reads "<0.001" (or "-<0.001"), never blank; "" when nothing fits.
std::string format_cell_fitting(double v, std::size_t max_chars);

}  // namespace ap::ui
