// Share link fragments (see share_link.hpp): which form it is, its length checked before decoding,
// the JSON's size capped while it is inflated.
#include "io/share_link.hpp"

#include "core/error.hpp"
#include "core/limits.hpp"
#include "io/base64url.hpp"
#include "io/raw_deflate.hpp"
#include "io/user_text.hpp"

namespace ap::io {

namespace {

constexpr const char* field = "share link";

// The longest payload worth decoding: base64url of a largest scenario, stored (5 bytes a 64 KiB block).
constexpr std::size_t max_payload_chars = (core::limits::max_json_bytes + core::limits::max_json_bytes / 8192 + 64) / 3 * 4;

[[noreturn]] void fail(const std::string& message) { throw core::InputError(field, message); }

}  // namespace

// SPEC §3 fixes the form `index.html#s=...`; "z." (not in base64url's alphabet) marks the payload as deflated.
std::string share_fragment(std::string_view scenario_json) { return "s=z." + base64url_encode(deflate_raw(scenario_json)); }

std::string scenario_json_from_fragment(std::string_view fragment) {
  if (!fragment.empty() && fragment.front() == '#') fragment.remove_prefix(1);
  if (fragment.empty()) fail("the link carries no scenario (expected #s=... after the page's address)");
  const std::string_view kind = fragment.substr(0, 2);
  if (kind != "z=" && kind != "s=") fail("expected s=<scenario> after '#', got " + quote_user_text(fragment));
  const bool compressed = kind == "z=" || fragment.substr(0, 4) == "s=z.";
  const std::string_view payload = fragment.substr(fragment.substr(0, 4) == "s=z." ? 4 : 2);
  if (payload.empty()) fail("the link has nothing after \"" + std::string(kind) + "\"");
  if (payload.size() > max_payload_chars)
    fail("the link is longer than " + std::to_string(max_payload_chars) + " characters, the most a scenario needs");

  std::string bytes = base64url_decode(payload, field);
  if (compressed) return inflate_raw(bytes, core::limits::max_json_bytes);
  if (bytes.size() > core::limits::max_json_bytes)
    fail("the scenario is larger than " + std::to_string(core::limits::max_json_bytes) + " bytes");
  return bytes;
}

}  // namespace ap::io
