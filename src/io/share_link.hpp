// Share links: the scenario JSON rides in the URL fragment, compressed, so a link restores every number
// bit for bit without any server. `#z=` + base64url(raw DEFLATE of the JSON); links of the first
// version, `#s=` + base64url(the JSON), still open. The fragment is a boundary: a bad one throws
// core::InputError with field "share link". std, core and io only.
#pragma once

#include <string>
#include <string_view>

namespace ap::io {

// "z=<base64url of deflate_raw(json)>", without the '#'.
std::string share_fragment(std::string_view scenario_json);

// The scenario JSON a fragment carries (with or without its leading '#'): `z=...` or the legacy `s=...`.
// Its size is capped at core::limits::max_json_bytes; what it says is for parse_scenario to check.
std::string scenario_json_from_fragment(std::string_view fragment);

}  // namespace ap::io
