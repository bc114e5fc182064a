// Every malformed scenario in tests/malformed/cases.json through ap::io::parse_scenario: each must be
// refused with core::InputError carrying exactly the pinned `field: message`, never another exception.
// Big inputs (deep nesting, 5000 rows, 64 MiB) are written there as [text, times] pieces.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/scenario_json.hpp"
#include "support/files.hpp"

namespace {

using nlohmann::json;

std::string expand(const json& c) {
  if (c.contains("input")) return c.at("input").get<std::string>();
  std::string text;
  for (const auto& part : c.at("input_parts")) {
    const auto piece = part.at(0).get<std::string>();
    const auto times = part.at(1).get<std::size_t>();
    text.reserve(text.size() + piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) text += piece;
  }
  return text;
}

}  // namespace

TEST_CASE("malformed: each case is refused with its pinned message") {
  const json doc = json::parse(ap::test::read_text_file(AP_MALFORMED_CASES));
  const json& cases = doc.at("cases");
  REQUIRE(cases.size() >= 30);
  std::set<std::string> names;
  for (const auto& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    const std::string expected = c.at("error").get<std::string>();
    INFO("case \"" << name << "\"");
    CHECK(names.insert(name).second);  // names are unique
    CHECK_FALSE(expected.empty());
    CHECK(expected.find('\n') == std::string::npos);  // the CLI prints it as one line
    const std::string input = expand(c);
    try {
      ap::io::parse_scenario(input);
      FAIL_CHECK("accepted");
    } catch (const ap::core::InputError& e) {
      CHECK(e.error.what() == expected);
    } catch (const std::exception& e) {
      FAIL_CHECK("threw something other than core::InputError: " << e.what());
    }
  }
}

TEST_CASE("malformed: the message format is `field: message`") {
  try {
    ap::io::parse_scenario(R"({"version": 1, "x": [[1, 2], [3, "four"]]})");
    FAIL("accepted");
  } catch (const ap::core::InputError& e) {
    CHECK(e.error.field == "x[1][1]");
    CHECK(e.error.message == "expected a number, got \"four\"");
    CHECK(e.error.what() == "x[1][1]: expected a number, got \"four\"");
  }
}

TEST_CASE("malformed: the parser's messages stay valid UTF-8 and short for hostile bytes") {
  SECTION("an invalid UTF-8 byte is escaped in the message") {
    try {
      ap::io::parse_scenario("{\"version\": 1, \"x\": [[1]], \"tokens\": [\"\xff\"]}");
      FAIL("accepted");
    } catch (const ap::core::InputError& e) {
      CHECK(e.error.field == "tokens[0]");
      CHECK_THAT(e.error.message, Catch::Contains("ill-formed UTF-8 byte") && Catch::Contains("\\xFF"));
      for (unsigned char ch : e.error.what()) CHECK(ch < 0x80);
    }
  }
  SECTION("a long unknown value is cut without splitting a UTF-8 character") {
    std::string label;
    for (int i = 0; i < 100; ++i) label += "\xc3\xa9";  // é
    try {
      ap::io::parse_scenario("{\"version\": 1, \"x\": [[1]], \"mask\": \"" + label + "\"}");
      FAIL("accepted");
    } catch (const ap::core::InputError& e) {
      CHECK(e.error.field == "mask");
      CHECK(e.error.message.size() < 250);
      CHECK_THAT(e.error.message, Catch::StartsWith("unknown mask \"\xc3\xa9") && Catch::Contains("\xc3\xa9...\""));
    }
  }
}
