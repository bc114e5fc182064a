// Every malformed scenario in tests/malformed/cases.json through ap::io::parse_scenario: each must be
// refused with core::InputError carrying exactly the pinned `field: message`, never another exception.
// Big inputs (deep nesting, 5000 rows, 64 MiB) are written there as [text, times] pieces. Here too: bytes
// that are not UTF-8 (which that file cannot hold), and the limits and doubles exactly at their edges.
#include <catch2/catch.hpp>

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/scenario_json.hpp"
#include "support/files.hpp"
#include "support/utf8.hpp"

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

// The message parse_scenario refuses `text` with, or "(accepted)".
std::string error_of(const std::string& text) {
  try {
    ap::io::parse_scenario(text);
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "(accepted)";
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

TEST_CASE("malformed: every message is one line of well-formed UTF-8") {
  const json doc = json::parse(ap::test::read_text_file(AP_MALFORMED_CASES));
  for (const auto& c : doc.at("cases")) {
    INFO("case \"" << c.at("name").get<std::string>() << "\"");
    CHECK(ap::test::valid_utf8(c.at("error").get<std::string>()));
  }
  // bytes no JSON file of the suite can hold: a lone surrogate as the page's string helper writes it (WTF-8),
  // overlong forms, a stray continuation byte; in a label, a key and a value
  for (const std::string bad : {"\xed\xa0\x80", "\xed\xbf\xbf", "\xc0\xaf", "\xe0\x80\xaf", "\x80", "\xf4\x90\x80\x80"}) {
    for (const std::string& text : {"{\"version\": 1, \"x\": [[1]], \"tokens\": [\"a" + bad + "\"]}",
                                    "{\"version\": 1, \"x\": [[1]], \"" + bad + "\": 1}",
                                    "{\"version\": 1, \"x\": [[1]], \"mask\": \"" + bad + "\"}",
                                    "{\"version\": 1, \"x\": [[1" + bad + "]]}"}) {
      INFO(text);
      try {
        ap::io::parse_scenario(text);
        FAIL_CHECK("accepted");
      } catch (const ap::core::InputError& e) {
        CHECK(ap::test::valid_utf8(e.error.what()));
        CHECK(e.error.what().find("\\x") != std::string::npos);  // the bad bytes are shown, escaped
        CHECK(e.error.what().find('\n') == std::string::npos);
      }
    }
  }
}

TEST_CASE("malformed: the limits are checked while the text is read, exactly at the limit") {
  const auto x_rows = [](int rows, const std::string& row) {
    std::string text = "{\"version\": 1, \"context\": {\"x\": [" + row + "]}, \"x\": [";
    for (int r = 0; r < rows; ++r) text += (r ? ", " : "") + row;
    return text + "]}";
  };
  // 4096 rows and a context of one key: within every limit (the trace too)
  CHECK(ap::io::parse_scenario(x_rows(4096, "[1]")).n() == 4096);
  CHECK(error_of(x_rows(4097, "[1]")) == "x: more than 4096 rows (the limit of tokens)");
  std::string wide = "[0";
  for (int c = 1; c < 1024; ++c) wide += ", 0";
  CHECK(ap::io::parse_scenario(x_rows(2, wide + "]")).d_model() == 1024);
  CHECK(error_of(x_rows(2, wide + ", 0]")) == "context.x[0]: more than 1024 numbers (the limit of d_model)");
  // nesting: 16 levels are read (and refused for what they hold), 17 are not
  const auto nested = [](int levels) {
    return "{\"version\": 1, \"x\": [[1]], \"deep\": " + std::string(levels - 1, '[') + "1" + std::string(levels - 1, ']') + "}";
  };
  CHECK_THAT(error_of(nested(16)), Catch::StartsWith("deep: unknown field"));
  CHECK(error_of(nested(17)) == "the document is nested more than 16 levels deep");
}

TEST_CASE("malformed: numbers at the edges of a double are read exactly or refused by name") {
  const ap::core::Scenario s = ap::io::parse_scenario(
      R"({"version": 1, "x": [[5e-324, -5e-324], [2.2250738585072009e-308, 1e-400]], "scale": 4.9e-324})");
  CHECK(s.query.x(0, 0) == std::numeric_limits<double>::denorm_min());
  CHECK(s.query.x(0, 1) == -std::numeric_limits<double>::denorm_min());
  CHECK(s.query.x(1, 0) == 2.2250738585072009e-308);
  CHECK(s.query.x(1, 1) == 0.0);
  CHECK(s.scale.multiplier == std::numeric_limits<double>::denorm_min());
  CHECK(error_of(R"({"version": 1, "x": [[1, 0], [0, 1]], "positional": {"rope": {"base": 5e-324}}})") ==
        "positional.rope.base: expected a finite base greater than 1, got 5e-324");
}
