// How a piece of the user's text appears inside an error message: quoted, at most 40 bytes ("..." where
// cut), never splitting a UTF-8 sequence, control characters and invalid bytes written as \xNN, so a
// message is always one valid UTF-8 line. Shared by the paste and .npy readers; std only.
#pragma once

#include <string>
#include <string_view>

namespace ap::io {

// `abc` → `"abc"`; `a"b` → `"a\"b"`; a newline → `"\x0A"`.
std::string quote_user_text(std::string_view text);

}  // namespace ap::io
