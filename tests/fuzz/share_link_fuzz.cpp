// Fuzz target: the share link boundary on any bytes, read two ways. As a raw DEFLATE stream
// (io::inflate_raw): what it accepts fits max_output and comes back through io::deflate_raw unchanged.
// As a URL fragment (io::scenario_json_from_fragment): what it accepts is within the scenario size limit.
// Every refusal is a "share link: ..." InputError.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"
#include "core/limits.hpp"
#include "io/raw_deflate.hpp"
#include "io/share_link.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t max_output = std::size_t{1} << 20;
  try {
    const std::string out = ap::io::inflate_raw(bytes, max_output);
    if (out.size() > max_output) ap::fuzz::fail("inflate_raw wrote past max_output");
    std::string back;
    try {
      back = ap::io::inflate_raw(ap::io::deflate_raw(out), out.size());
    } catch (const ap::core::InputError& e) {
      ap::fuzz::fail("deflate_raw output not inflated:", e.error.what());
    }
    if (back != out) ap::fuzz::fail("deflate round trip changed the bytes");
  } catch (const ap::core::InputError& e) {
    ap::fuzz::check_refusal(e, "share link: ");
  }
  try {
    const std::string json = ap::io::scenario_json_from_fragment(bytes);
    if (json.size() > ap::core::limits::max_json_bytes) ap::fuzz::fail("a scenario over the size limit");
  } catch (const ap::core::InputError& e) {
    ap::fuzz::check_refusal(e, "share link: ");
  }
  return 0;
}
