// The DEFLATE decompressor (RFC 1951; see deflate.hpp) for input from strangers: every read is checked
// against the end of the input, every write against max_output before the output grows, and every
// block consumes input, so it always ends. Huffman codes are decoded bit by bit (canonical order).
// [SECTION] bit reader
// [SECTION] canonical Huffman decoding
// [SECTION] blocks
#include "io/deflate.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "io/deflate_tables.hpp"

namespace ap::io {

namespace {

using namespace deflate_tables;

// [SECTION] bit reader

constexpr const char* field = "share link";

[[noreturn]] void fail(const std::string& message) { throw core::InputError(field, message); }

class BitReader {
 public:
  explicit BitReader(std::string_view data) : data_(data) {}

  std::uint32_t bits(int count) {  // count <= 16; after any call fewer than 8 bits stay buffered
    while (fill_ < count) {
      if (pos_ >= data_.size()) fail("the compressed data ends early");
      buffer_ |= static_cast<std::uint32_t>(static_cast<unsigned char>(data_[pos_++])) << fill_;
      fill_ += 8;
    }
    const std::uint32_t v = buffer_ & ((std::uint32_t{1} << count) - 1);
    buffer_ >>= count;
    fill_ -= count;
    return v;
  }
  void align() {  // drops the rest of the partly read byte
    buffer_ = 0;
    fill_ = 0;
  }
  std::string_view bytes(std::size_t n) {  // only when aligned
    if (n > data_.size() - pos_) fail("the compressed data ends early");
    const std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t bytes_left() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  std::uint32_t buffer_ = 0;
  int fill_ = 0;
};

// [SECTION] canonical Huffman decoding

// How many codes each length has, and the symbols in code order: enough to decode bit by bit.
struct Decoder {
  std::array<std::uint16_t, max_code_bits + 1> count{};
  std::vector<std::uint16_t> symbols;
};

Decoder make_decoder(const std::uint8_t* lengths, int n) {
  Decoder d;
  for (int s = 0; s < n; ++s) ++d.count[lengths[s]];
  d.count[0] = 0;
  int left = 1;  // codes still free at the present length
  for (int len = 1; len <= max_code_bits; ++len) {
    left = 2 * left - d.count[len];
    if (left < 0) fail("the compressed data has an invalid Huffman code (more codes than its lengths allow)");
  }
  std::array<int, max_code_bits + 2> offset{};
  for (int len = 1; len <= max_code_bits; ++len) offset[len + 1] = offset[len] + d.count[len];
  d.symbols.resize(static_cast<std::size_t>(offset[max_code_bits + 1]));
  for (int s = 0; s < n; ++s)
    if (lengths[s] != 0) d.symbols[static_cast<std::size_t>(offset[lengths[s]]++)] = static_cast<std::uint16_t>(s);
  return d;
}

// Reads one code: `first` is the first code of the present length, `index` the first symbol having it.
int decode(BitReader& in, const Decoder& d) {
  int code = 0, first = 0, index = 0;
  for (int len = 1; len <= max_code_bits; ++len) {
    code |= static_cast<int>(in.bits(1));
    const int count = d.count[len];
    if (code - first < count) return d.symbols[static_cast<std::size_t>(index + code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  fail("the compressed data has a code that its Huffman table does not define");
}

// [SECTION] blocks

class Inflater {
 public:
  Inflater(std::string_view data, std::size_t max_output) : in_(data), max_output_(max_output) {}

  std::string run() {
    for (bool final = false; !final;) {
      final = in_.bits(1) == 1;
      switch (in_.bits(2)) {
        case 0: stored(); break;
        case 1: fixed(); break;
        case 2: dynamic(); break;
        default: fail("the compressed data has a block of type 3, which DEFLATE reserves");
      }
    }
    if (in_.bytes_left() > 0)
      fail("the compressed data goes on after its final block (" + std::to_string(in_.bytes_left()) + " more bytes)");
    return std::move(out_);
  }

 private:
  void make_room(std::size_t n) {
    if (n > max_output_ - out_.size())
      fail("the data is larger than " + std::to_string(max_output_) + " bytes once decompressed");
  }

  void stored() {
    in_.align();
    const std::uint32_t len = in_.bits(16), nlen = in_.bits(16);
    if ((len ^ 0xFFFF) != nlen) fail("the compressed data has a stored block whose length check does not match");
    make_room(len);
    out_.append(in_.bytes(len));
  }

  void fixed() {
    static const std::vector<std::uint8_t> litlen = fixed_litlen_lengths();
    static const Decoder lit = make_decoder(litlen.data(), 288);
    static const Decoder dist = make_decoder(fixed_dist_lengths.data(), 32);
    codes(lit, dist);
  }

  void dynamic() {
    const int hlit = static_cast<int>(in_.bits(5)) + 257, hdist = static_cast<int>(in_.bits(5)) + 1;
    const int hclen = static_cast<int>(in_.bits(4)) + 4;
    if (hlit > num_litlen || hdist > num_dist)
      fail("the compressed data has a block with more length or distance codes than DEFLATE defines");
    std::array<std::uint8_t, 19> cl{};
    for (int k = 0; k < hclen; ++k) cl[codelen_order[k]] = static_cast<std::uint8_t>(in_.bits(3));
    const Decoder cl_decoder = make_decoder(cl.data(), 19);

    std::array<std::uint8_t, num_litlen + num_dist> lengths{};
    for (int i = 0; i < hlit + hdist;) {
      const int symbol = decode(in_, cl_decoder);
      if (symbol < 16) {
        lengths[static_cast<std::size_t>(i++)] = static_cast<std::uint8_t>(symbol);
        continue;
      }
      std::uint8_t value = 0;
      int repeat = 0;
      if (symbol == 16) {
        if (i == 0) fail("the compressed data repeats a code length before the first one");
        value = lengths[static_cast<std::size_t>(i - 1)];
        repeat = 3 + static_cast<int>(in_.bits(2));
      } else if (symbol == 17) {
        repeat = 3 + static_cast<int>(in_.bits(3));
      } else {
        repeat = 11 + static_cast<int>(in_.bits(7));
      }
      if (repeat > hlit + hdist - i) fail("the compressed data has more code lengths than the block declares");
      std::fill_n(lengths.begin() + i, repeat, value);
      i += repeat;
    }
    if (lengths[end_of_block] == 0) fail("the compressed data has a block without an end-of-block code");
    codes(make_decoder(lengths.data(), hlit), make_decoder(lengths.data() + hlit, hdist));
  }

  void codes(const Decoder& lit, const Decoder& dist) {
    for (;;) {
      const int symbol = decode(in_, lit);
      if (symbol < 256) {
        make_room(1);
        out_.push_back(static_cast<char>(symbol));
        continue;
      }
      if (symbol == end_of_block) return;
      const int lc = symbol - 257;
      if (lc >= 29) fail("the compressed data has an invalid length code");
      const std::size_t length = length_base[lc] + in_.bits(length_extra[lc]);
      const int dc = decode(in_, dist);
      if (dc >= num_dist) fail("the compressed data has an invalid distance code");
      const std::size_t distance = dist_base[dc] + in_.bits(dist_extra[dc]);
      if (distance > out_.size()) fail("the compressed data refers back past the start of the data");
      make_room(length);
      const std::size_t from = out_.size() - distance, to = out_.size();
      out_.resize(to + length);
      for (std::size_t k = 0; k < length; ++k) out_[to + k] = out_[from + k];  // may overlap: byte by byte
    }
  }

  BitReader in_;
  std::size_t max_output_;
  std::string out_;
};

}  // namespace

std::string inflate_raw(std::string_view data, std::size_t max_output) { return Inflater(data, max_output).run(); }

}  // namespace ap::io
