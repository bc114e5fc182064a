// Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) for share links, through zlib: Debian's zlib1g natively,
// Debian's zlib source compiled by em++ in the web build (cmake/dependencies.cmake). The decompressor
// treats its input as hostile: its output is bounded before it is written. std, core/error.hpp and zlib.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ap::io {

// The raw DEFLATE stream of `data`, at zlib's best compression.
std::string deflate_raw(std::string_view data);

// The bytes a raw DEFLATE stream stands for. Throws core::InputError (field "share link") on anything
// malformed (zlib's reason quoted), a stream cut short, bytes after the final block, or output that would
// grow past `max_output` bytes (refused before more than that is written).
std::string inflate_raw(std::string_view data, std::size_t max_output);

}  // namespace ap::io
