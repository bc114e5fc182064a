// Base64url (RFC 4648 §5: A-Z a-z 0-9 - _) without padding, the alphabet a URL fragment carries as is.
// Used by share links; std and core/error.hpp only.
#pragma once

#include <string>
#include <string_view>

namespace ap::io {

std::string base64url_encode(std::string_view bytes);

// Accepts the encoder's output (and, leniently, up to two trailing '='). Throws core::InputError with
// `field`, naming the position (from 0) and the character of the first one outside the alphabet.
std::string base64url_decode(std::string_view text, const std::string& field = "base64url");

}  // namespace ap::io
