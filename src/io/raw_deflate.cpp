// zlib's deflate and inflate with a raw stream (windowBits −15), in chunks so that neither the input's
// nor the output's size needs to fit zlib's 32-bit counters, and the output never passes its cap.
#include "io/raw_deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <memory>
#include <new>
#include <string>

#include "core/error.hpp"

namespace ap::io {

namespace {

constexpr const char* field = "share link";
constexpr int raw_window = -15;  // 32 KiB window, no header or trailer
constexpr std::size_t chunk = std::size_t{1} << 16;

[[noreturn]] void fail(const std::string& message) { throw core::InputError(field, message); }

uInt piece(std::size_t left) { return static_cast<uInt>(std::min(left, chunk)); }

Bytef* bytes_of(std::string_view s) { return reinterpret_cast<Bytef*>(const_cast<char*>(s.data())); }

}  // namespace

std::string deflate_raw(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, raw_window, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  const std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, deflateEnd);
  std::string out;
  std::size_t in_done = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_in = bytes_of(data.substr(in_done));
    z.avail_in = piece(data.size() - in_done);
    const uInt given = z.avail_in;
    const bool last = in_done + given == data.size();
    const std::size_t at = out.size();
    out.resize(at + chunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(chunk);
    rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) throw std::bad_alloc();  // cannot happen with a stream set up as above
    out.resize(at + chunk - z.avail_out);
    in_done += given - z.avail_in;
  }
  return out;
}

std::string inflate_raw(std::string_view data, std::size_t max_output) {
  z_stream z{};
  if (inflateInit2(&z, raw_window) != Z_OK) throw std::bad_alloc();
  const std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, inflateEnd);
  std::string out;
  std::size_t in_done = 0;
  for (;;) {
    z.next_in = bytes_of(data.substr(in_done));
    z.avail_in = piece(data.size() - in_done);
    const uInt given = z.avail_in;
    // room for one byte past the cap, so that "larger than the cap" shows without writing more
    const std::size_t room = std::min(chunk, max_output + 1 - out.size());
    const std::size_t at = out.size();
    out.resize(at + room);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.resize(at + room - z.avail_out);
    in_done += given - z.avail_in;
    if (out.size() > max_output)
      fail("the data is larger than " + std::to_string(max_output) + " bytes once decompressed");
    if (rc == Z_STREAM_END) break;
    if (rc == Z_DATA_ERROR) fail(std::string("the compressed data is corrupt (") + (z.msg ? z.msg : "invalid data") + ")");
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    // Z_OK or Z_BUF_ERROR: more input is needed, unless none is left
    if (in_done == data.size() && z.avail_out > 0) fail("the compressed data ends early");
  }
  if (in_done < data.size())
    fail("the compressed data goes on after its final block (" + std::to_string(data.size() - in_done) + " more bytes)");
  return out;
}

}  // namespace ap::io
