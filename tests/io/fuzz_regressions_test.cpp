// What the fuzz targets (tests/fuzz) found, pinned: every refusal is one line of valid UTF-8 of bounded
// length, however long or odd the user's text at the point of failure.
#include <catch2/catch.hpp>

#include <string>

#include "core/error.hpp"
#include "io/npy.hpp"
#include "io/scenario_json.hpp"

namespace {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("fuzz regression: a JSON syntax error quotes 40 bytes of the token, not all of it") {
  // fuzz_scenario: a 480-byte key followed by a stray letter gave a 1 KB message (nlohmann's "last read"
  // token, whole)
  const std::string key(500, 'k');
  const std::string message = error_of([&] { ap::io::parse_scenario("{\"" + key + "\"b: 1}"); });
  CHECK(message == std::string(40, 'k') + "...: not valid JSON at line 1, column 504: syntax error while parsing object "
                                          "separator - invalid literal; last read: '\"" + std::string(39, 'k') +
                       "...'; expected ':'");
  // an unclosed string runs to the end of the document
  const std::string unclosed = error_of([&] { ap::io::parse_scenario("{\"version\": 1, \"x\": [[1]], \"tokens\": [\"" + std::string(100000, 'a')); });
  CHECK(unclosed.size() < 300);
  CHECK(unclosed.find("last read: '\"" + std::string(39, 'a') + "...'") != std::string::npos);
}

TEST_CASE("fuzz regression: an .npy header key with a newline is quoted, keeping the message on one line") {
  // fuzz_npy: {'descr': '<f7', 'fortran_order': False, 'shape <spaces> \n ... echoed the key raw
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape\n': (1,)}";
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file += static_cast<char>(header.size());
  file += '\0';
  file += header;
  const std::string message = error_of([&] { ap::io::read_npy(file); });
  CHECK(message == "npy: header, column 42: unknown key \"shape\\n\" (expected 'descr', 'fortran_order' and 'shape')");
  std::string no_colon = "{'descr': '<f8', 'fortran_order': False, 'sha\npe' (1,)}";
  file = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(no_colon.size()) + '\0' + no_colon;
  CHECK(error_of([&] { ap::io::read_npy(file); }) ==
        "npy: header, column 51: expected ':' after the key \"sha\\npe\", got \"(1,)}\"");
}
