// io/user_text: the one quoting of user text in every message. Escapes, the cut, and every byte that is
// not well-formed UTF-8 (overlong forms, surrogates as WTF-8 writes them, stray continuation bytes, code
// points past U+10FFFF) shown as \xNN, so a message is always one line of valid UTF-8.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "io/user_text.hpp"
#include "support/utf8.hpp"

using ap::io::bare_user_text;
using ap::io::quote_user_text;

TEST_CASE("user text: quotes, escapes, control characters") {
  CHECK(quote_user_text("abc") == "\"abc\"");
  CHECK(quote_user_text("") == "\"\"");
  CHECK(quote_user_text("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quote_user_text("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
  CHECK(quote_user_text(std::string("a\0b\x01\x1f\x7f", 6)) == "\"a\\x00b\\x01\\x1F\\x7F\"");
  CHECK(bare_user_text("a\"b\\c\nd") == "a\"b\\c\\nd");
  CHECK(quote_user_text("é ∑ 😀") == "\"é ∑ 😀\"");
}

TEST_CASE("user text: bytes that are not well-formed UTF-8 are written as \\xNN") {
  CHECK(quote_user_text("\xff") == "\"\\xFF\"");
  CHECK(quote_user_text("\x80") == "\"\\x80\"");                          // a stray continuation byte
  CHECK(quote_user_text("\xc0\xaf") == "\"\\xC0\\xAF\"");                  // overlong '/'
  CHECK(quote_user_text("\xc1\xbf") == "\"\\xC1\\xBF\"");
  CHECK(quote_user_text("\xe0\x80\xaf") == "\"\\xE0\\x80\\xAF\"");          // overlong, three bytes
  CHECK(quote_user_text("\xf0\x80\x80\xaf") == "\"\\xF0\\x80\\x80\\xAF\"");  // overlong, four bytes
  CHECK(quote_user_text("\xed\xa0\x80") == "\"\\xED\\xA0\\x80\"");          // U+D800, a lone surrogate in WTF-8
  CHECK(quote_user_text("\xed\xbf\xbf") == "\"\\xED\\xBF\\xBF\"");          // U+DFFF
  CHECK(quote_user_text("\xf4\x90\x80\x80") == "\"\\xF4\\x90\\x80\\x80\"");  // past U+10FFFF
  CHECK(quote_user_text("\xe2\x82") == "\"\\xE2\\x82\"");                  // cut short
  CHECK(quote_user_text("a\xed\x9f\xbf" "b") == "\"a\xed\x9f\xbf" "b\"");  // U+D7FF is a character
}

TEST_CASE("user text: at most 40 bytes, cut between characters") {
  CHECK(quote_user_text(std::string(40, 'a')) == "\"" + std::string(40, 'a') + "\"");
  CHECK(quote_user_text(std::string(41, 'a')) == "\"" + std::string(40, 'a') + "...\"");
  std::string accents;
  for (int i = 0; i < 30; ++i) accents += "é";  // 2 bytes each: 20 fit in 40
  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += "é";
  CHECK(quote_user_text(accents) == "\"" + twenty + "...\"");
  CHECK(quote_user_text("a" + accents) == "\"a" + twenty.substr(0, 38) + "...\"");  // 19 fit after the 'a'
  CHECK(quote_user_text(std::string(300, 'p'), 240) == "\"" + std::string(240, 'p') + "...\"");
}

TEST_CASE("user text: whatever the bytes, the result is one line of well-formed UTF-8 of bounded length") {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text(rng() % 64, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 4 == 0 ? 0x80 | (rng() & 0x7F) : rng() & 0xFF);
    const std::string quoted = quote_user_text(text);
    INFO(trial);
    CHECK(ap::test::valid_utf8(quoted));
    CHECK(quoted.find('\n') == std::string::npos);
    CHECK(quoted.size() <= 2 + 4 * 40 + 3);
  }
}
