// Share links: the scenario JSON rides in the URL fragment, compressed, so a link restores every number
// bit for bit without any server. `#s=z.` + base64url(raw DEFLATE of the JSON) (SPEC §3 fixes `#s=`;
// "z." cannot start base64url, so it marks the compressed form); links of the first version,
// `#s=` + base64url(the JSON), and `#z=` + base64url(DEFLATE) still open. The fragment is a boundary: a bad one throws
// core::InputError with field "share link". std, core and io only.
#pragma once

#include <string>
#include <string_view>

namespace ap::io {

// "s=z.<base64url of deflate_raw(json)>", without the '#'.
std::string share_fragment(std::string_view scenario_json);

// The scenario JSON a fragment carries (with or without its leading '#'): `s=z.<deflated>`, `s=<plain>`
// or `z=<deflated>`.
// Its size is capped at core::limits::max_json_bytes; what it says is for parse_scenario to check.
std::string scenario_json_from_fragment(std::string_view fragment);

}  // namespace ap::io
