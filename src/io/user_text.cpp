// Quoting user text for messages: one escaping walk, with or without the quotes.
#include "io/user_text.hpp"

namespace ap::io {

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (overlongs and surrogates refused), 0 if none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) { len = 3; lo = 0xA0; }
  else if (c == 0xED) { len = 3; hi = 0x9F; }
  else if (c >= 0xE1 && c <= 0xEF) len = 3;
  else if (c == 0xF0) { len = 4; lo = 0x90; }
  else if (c == 0xF4) { len = 4; hi = 0x8F; }
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else return 0;
  if (i + len > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  return len;
}

std::string escaped(std::string_view text, std::size_t max_bytes, bool quoted) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t i = 0;
  while (i < text.size() && i < max_bytes) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = utf8_sequence(text, i);
    if (len > 1 && i + len > max_bytes) break;  // never split a character at the cut
    if (quoted && (c == '"' || c == '\\')) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (len == 0 || c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out.append(text.substr(i, len));
      i += len;
      continue;
    }
    ++i;
  }
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace

std::string quote_user_text(std::string_view text, std::size_t max_bytes) {
  return "\"" + escaped(text, max_bytes, true) + "\"";
}

std::string bare_user_text(std::string_view text, std::size_t max_bytes) { return escaped(text, max_bytes, false); }

}  // namespace ap::io
