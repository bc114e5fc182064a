// How a piece of the user's text appears inside an error message. Every reader (scenario JSON, paste, .npy,
// share links, the CLI's file names) quotes user text through these, so a message is always one line of
// valid UTF-8 of bounded length: at most `max_bytes` bytes of the text ("..." where cut, never splitting a
// character); well-formed UTF-8 kept; a newline, tab or carriage return as \n, \t, \r; other control
// characters and every byte that is not well-formed UTF-8 (overlong forms, surrogates, stray continuation
// bytes) as \xNN. std only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ap::io {

inline constexpr std::size_t quoted_text_bytes = 40;  // how much user text a message repeats

// `abc` → `"abc"`; `a"b` → `"a\"b"`; a newline → `"\n"`; the byte FF → `"\xFF"`.
std::string quote_user_text(std::string_view text, std::size_t max_bytes = quoted_text_bytes);

// The same without the quotes, and `"` and `\` as they are: a key inside a field name (`a\nb: unknown field`),
// or a token inside a message that brings its own quotes.
std::string bare_user_text(std::string_view text, std::size_t max_bytes = quoted_text_bytes);

}  // namespace ap::io
