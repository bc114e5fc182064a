// Raw DEFLATE (RFC 1951) written for share links: the Emscripten build has no zlib. The compressor finds
// repeats with LZ77 hash chains (32 KiB window, lazy matching) and writes each block as dynamic Huffman,
// fixed Huffman or stored, whichever is smallest. The decompressor reads all three block types and treats
// its input as hostile. std and core/error.hpp only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ap::io {

// The raw DEFLATE stream of `data` (no zlib or gzip wrapper), ending on a byte boundary.
std::string deflate_raw(std::string_view data);

// The bytes a raw DEFLATE stream stands for. Throws core::InputError (field "share link") on anything
// malformed: a truncated stream, a bad block type or code, a distance before the start, bytes after the
// final block, or output that would grow past `max_output` bytes (refused before it is written).
std::string inflate_raw(std::string_view data, std::size_t max_output);

}  // namespace ap::io
