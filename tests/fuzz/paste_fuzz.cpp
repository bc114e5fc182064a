// Fuzz target: io::parse_paste on any bytes. A matrix it accepts is finite, within the limits, and comes
// back bit for bit through CSV (io::matrix_to_csv, then parse_paste again).
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "support/bits.hpp"
#include "io/export.hpp"
#include "io/paste_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ap::core::Matrix m;
  try {
    m = ap::io::parse_paste(text).matrix;
  } catch (const ap::core::InputError& e) {
    ap::fuzz::check_refusal(e, "paste: ");
    return 0;
  }
  const ap::io::ImportLimits limits;
  if (m.rows() < 1 || m.cols() < 1 || m.rows() > limits.max_rows || m.cols() > limits.max_cols ||
      static_cast<std::size_t>(m.size()) > limits.max_elements)
    ap::fuzz::fail("a matrix outside the limits");
  if (!m.allFinite()) ap::fuzz::fail("a matrix with a non-finite number");
  ap::core::Matrix back;
  try {
    back = ap::io::parse_paste(ap::io::matrix_to_csv(m)).matrix;
  } catch (const ap::core::InputError& e) {
    ap::fuzz::fail("CSV export not read back:", e.error.what());
  }
  if (back.rows() != m.rows() || back.cols() != m.cols()) ap::fuzz::fail("CSV round trip changed the shape");
  for (Eigen::Index k = 0; k < m.size(); ++k)
    if (ap::test::bit_cast<std::uint64_t>(back.data()[k]) != ap::test::bit_cast<std::uint64_t>(m.data()[k]))
      ap::fuzz::fail("CSV round trip changed a number");
  return 0;
}
