// Base64url without padding (see base64url.hpp): three bytes to four characters of six bits each.
#include "io/base64url.hpp"

#include <array>
#include <cstdint>

#include "core/error.hpp"
#include "io/user_text.hpp"

namespace ap::io {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The six-bit value of each character; -1 outside the alphabet.
constexpr std::array<std::int8_t, 256> make_values() {
  std::array<std::int8_t, 256> v{};
  for (auto& x : v) x = -1;
  for (std::size_t k = 0; k < alphabet.size(); ++k) v[static_cast<unsigned char>(alphabet[k])] = static_cast<std::int8_t>(k);
  return v;
}
constexpr std::array<std::int8_t, 256> values = make_values();

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t buffer = 0;
  int fill = 0;  // bits in buffer
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    fill += 8;
    while (fill >= 6) {
      fill -= 6;
      out.push_back(alphabet[(buffer >> fill) & 63]);
    }
  }
  if (fill > 0) out.push_back(alphabet[(buffer << (6 - fill)) & 63]);
  return out;
}

std::string base64url_decode(std::string_view text, const std::string& field) {
  for (int k = 0; k < 2 && !text.empty() && text.back() == '='; ++k) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int fill = 0;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const int v = values[static_cast<unsigned char>(text[k])];
    if (v < 0)
      throw core::InputError(field, "character " + std::to_string(k) + " is not base64url (A-Z, a-z, 0-9, - or _): " +
                                        quote_user_text(text.substr(k, 1)));
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    fill += 6;
    if (fill >= 8) {
      fill -= 8;
      out.push_back(static_cast<char>((buffer >> fill) & 0xFF));
    }
  }
  // Leftover bits are the padding of the last byte; a single character (6 bits) cannot end a byte.
  if (fill >= 6)
    throw core::InputError(field, "the base64url text is cut short: its length " + std::to_string(text.size()) +
                                      " leaves one character over");
  return out;
}

}  // namespace ap::io
