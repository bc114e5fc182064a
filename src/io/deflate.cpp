// The DEFLATE compressor (RFC 1951; see deflate.hpp): LZ77 over hash chains with lazy matching, then
// each block of 32 Ki symbols written as dynamic Huffman, fixed Huffman or stored, whichever is smallest.
// [SECTION] Huffman code lengths (package-merge) and canonical codes
// [SECTION] bit writer
// [SECTION] LZ77 parse
// [SECTION] blocks
#include "io/deflate.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "io/deflate_tables.hpp"

namespace ap::io {

namespace {

using namespace deflate_tables;

// [SECTION] Huffman code lengths (package-merge) and canonical codes

// Optimal code lengths of at most `limit` bits for the symbols with a nonzero count (package-merge).
// Fewer than two used symbols get a partner, so every code is complete (zlib refuses incomplete ones).
std::vector<std::uint8_t> code_lengths(const std::vector<std::uint32_t>& freq, int limit) {
  struct Item {
    std::uint64_t weight;
    int symbol;  // a leaf; -1 for a package of items `first` and `first + 1` of the level below
    int first;
  };
  std::vector<Item> leaves;
  for (std::size_t s = 0; s < freq.size(); ++s)
    if (freq[s] > 0) leaves.push_back({freq[s], static_cast<int>(s), -1});
  for (std::size_t s = 0; leaves.size() < 2; ++s)
    if (freq[s] == 0) leaves.push_back({1, static_cast<int>(s), -1});
  std::sort(leaves.begin(), leaves.end(),
            [](const Item& a, const Item& b) { return a.weight != b.weight ? a.weight < b.weight : a.symbol < b.symbol; });

  std::vector<std::vector<Item>> levels{leaves};
  for (int level = 1; level < limit; ++level) {
    const std::vector<Item>& below = levels.back();
    std::vector<Item> packages;
    for (std::size_t k = 0; k + 1 < below.size(); k += 2)
      packages.push_back({below[k].weight + below[k + 1].weight, -1, static_cast<int>(k)});
    std::vector<Item> merged;
    std::merge(leaves.begin(), leaves.end(), packages.begin(), packages.end(), std::back_inserter(merged),
               [](const Item& a, const Item& b) { return a.weight < b.weight; });
    levels.push_back(std::move(merged));
  }

  // A symbol's length is how often its leaf occurs in the first 2n - 2 items of the top level, unfolded.
  std::vector<std::uint8_t> lengths(freq.size(), 0);
  std::vector<std::pair<int, int>> stack;  // (level, item)
  for (std::size_t k = 0; k < 2 * leaves.size() - 2; ++k) stack.emplace_back(limit - 1, static_cast<int>(k));
  while (!stack.empty()) {
    const auto [level, index] = stack.back();
    stack.pop_back();
    const Item& item = levels[level][index];
    if (item.symbol >= 0) {
      ++lengths[item.symbol];
    } else {
      stack.emplace_back(level - 1, item.first);
      stack.emplace_back(level - 1, item.first + 1);
    }
  }
  return lengths;
}

// Canonical codes, bit-reversed because DEFLATE sends Huffman codes from their top bit into an LSB-first stream.
std::vector<std::uint16_t> canonical_codes(const std::vector<std::uint8_t>& lengths) {
  std::array<int, max_code_bits + 2> count{};
  for (std::uint8_t len : lengths) ++count[len];
  count[0] = 0;
  std::array<int, max_code_bits + 2> next{};
  for (int bits = 1, code = 0; bits <= max_code_bits; ++bits) {
    code = (code + count[bits - 1]) << 1;
    next[bits] = code;
  }
  std::vector<std::uint16_t> codes(lengths.size(), 0);
  for (std::size_t s = 0; s < lengths.size(); ++s) {
    if (lengths[s] == 0) continue;
    const int code = next[lengths[s]]++;
    int reversed = 0;
    for (int b = 0; b < lengths[s]; ++b) reversed |= ((code >> b) & 1) << (lengths[s] - 1 - b);
    codes[s] = static_cast<std::uint16_t>(reversed);
  }
  return codes;
}

// [SECTION] bit writer

class BitWriter {
 public:
  void put(std::uint32_t value, int count) {  // the low `count` bits of value, LSB first
    buffer_ |= static_cast<std::uint64_t>(value) << fill_;
    fill_ += count;
    while (fill_ >= 8) {
      out_.push_back(static_cast<char>(buffer_ & 0xFF));
      buffer_ >>= 8;
      fill_ -= 8;
    }
  }
  void align() {
    if (fill_ > 0) put(0, 8 - fill_);
  }
  void append(std::string_view bytes) { out_.append(bytes); }  // only when aligned
  int fill() const { return fill_; }
  std::string take() {
    align();
    return std::move(out_);
  }

 private:
  std::string out_;
  std::uint64_t buffer_ = 0;
  int fill_ = 0;
};

// [SECTION] LZ77 parse

struct Symbol {
  std::uint16_t litlen;  // a literal byte, or a match length when dist > 0
  std::uint16_t dist;
};

// Hash chains over 3-byte prefixes: head_ holds the latest position of each hash, prev_ the one before it.
class MatchFinder {
 public:
  explicit MatchFinder(std::string_view data) : data_(data), head_(hash_size, -1), prev_(window, -1) {}

  void insert(std::size_t pos) {
    if (pos + min_match > data_.size()) return;
    const std::uint32_t h = hash(pos);
    prev_[pos & (window - 1)] = head_[h];
    head_[h] = static_cast<std::int64_t>(pos);
  }

  // The longest earlier match for the bytes at pos (length 0 if none is worth sending).
  Symbol find(std::size_t pos) const {
    const std::size_t avail = std::min<std::size_t>(max_match, data_.size() - pos);
    if (avail < static_cast<std::size_t>(min_match)) return {0, 0};
    std::size_t best_len = 0, best_dist = 0;
    int chain = max_chain;
    for (std::int64_t cand = head_[hash(pos)];
         cand >= 0 && pos - static_cast<std::size_t>(cand) <= window && chain-- > 0;
         cand = prev_[static_cast<std::size_t>(cand) & (window - 1)]) {
      const std::size_t c = static_cast<std::size_t>(cand);
      if (best_len > 0 && data_[c + best_len] != data_[pos + best_len]) continue;
      std::size_t len = 0;
      while (len < avail && data_[c + len] == data_[pos + len]) ++len;
      if (len > best_len) {
        best_len = len;
        best_dist = pos - c;
        if (len == avail) break;
      }
    }
    // A 3-byte match far back costs more bits than three literals.
    if (best_len < static_cast<std::size_t>(min_match) || (best_len == min_match && best_dist > 4096)) return {0, 0};
    return {static_cast<std::uint16_t>(best_len), static_cast<std::uint16_t>(best_dist)};
  }

 private:
  static constexpr int hash_bits = 15;
  static constexpr std::size_t hash_size = std::size_t{1} << hash_bits;
  static constexpr int max_chain = 256;

  std::uint32_t hash(std::size_t pos) const {
    const auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(data_[pos + k])); };
    return ((b(0) | b(1) << 8 | b(2) << 16) * 2654435761u) >> (32 - hash_bits);
  }

  std::string_view data_;
  std::vector<std::int64_t> head_;
  std::vector<std::int64_t> prev_;
};

// Literals and matches for the whole input, with one step of lazy matching: a longer match starting one
// byte later wins, and that byte goes out as a literal.
std::vector<Symbol> lz77(std::string_view data) {
  constexpr int lazy_below = 64;  // a match this long is taken without looking one byte ahead
  MatchFinder finder(data);
  std::vector<Symbol> out;
  std::size_t pos = 0;
  const auto literal = [&](std::size_t at) { return Symbol{static_cast<unsigned char>(data[at]), 0}; };
  while (pos < data.size()) {
    Symbol match = finder.find(pos);
    finder.insert(pos);
    if (match.dist == 0) {
      out.push_back(literal(pos++));
      continue;
    }
    while (match.litlen < lazy_below && pos + 1 < data.size()) {
      const Symbol next = finder.find(pos + 1);
      if (next.litlen <= match.litlen) break;
      out.push_back(literal(pos++));
      finder.insert(pos);
      match = next;
    }
    out.push_back(match);
    for (std::size_t k = 1; k < match.litlen; ++k) finder.insert(pos + k);
    pos += match.litlen;
  }
  return out;
}

// [SECTION] blocks

struct Frequencies {
  std::vector<std::uint32_t> litlen = std::vector<std::uint32_t>(num_litlen, 0);
  std::vector<std::uint32_t> dist = std::vector<std::uint32_t>(num_dist, 0);
};

Frequencies count_symbols(const Symbol* begin, const Symbol* end) {
  Frequencies f;
  for (const Symbol* s = begin; s != end; ++s) {
    if (s->dist == 0) {
      ++f.litlen[s->litlen];
    } else {
      ++f.litlen[257 + length_code(s->litlen)];
      ++f.dist[dist_code(s->dist)];
    }
  }
  f.litlen[end_of_block] = 1;
  return f;
}

// Bits of the block's symbols (end of block included) under the given code lengths.
std::uint64_t data_bits(const Frequencies& f, const std::vector<std::uint8_t>& litlen, const std::vector<std::uint8_t>& dist) {
  std::uint64_t bits = 0;
  for (int s = 0; s < num_litlen; ++s)
    bits += std::uint64_t{f.litlen[s]} * (litlen[s] + (s > end_of_block ? length_extra[s - 257] : 0));
  for (int d = 0; d < num_dist; ++d) bits += std::uint64_t{f.dist[d]} * (dist[d] + dist_extra[d]);
  return bits;
}

// A dynamic block's code lengths and the header that sends them (run-length coded with symbols 16-18).
struct DynamicHeader {
  std::vector<std::uint8_t> litlen, dist;
  std::vector<std::pair<std::uint8_t, std::uint8_t>> runs;  // code-length symbol, value of its extra bits
  std::vector<std::uint8_t> codelen;                         // lengths of the code-length code (19)
  int hlit = 0, hdist = 0, hclen = 0;
  std::uint64_t bits = 0;
};

DynamicHeader dynamic_header(const Frequencies& f) {
  DynamicHeader h;
  h.litlen = code_lengths(f.litlen, max_code_bits);
  h.dist = code_lengths(f.dist, max_code_bits);
  h.hlit = num_litlen;
  while (h.hlit > 257 && h.litlen[h.hlit - 1] == 0) --h.hlit;
  h.hdist = num_dist;
  while (h.hdist > 1 && h.dist[h.hdist - 1] == 0) --h.hdist;

  std::vector<std::uint8_t> seq(h.litlen.begin(), h.litlen.begin() + h.hlit);
  seq.insert(seq.end(), h.dist.begin(), h.dist.begin() + h.hdist);
  for (std::size_t i = 0; i < seq.size();) {
    const std::uint8_t v = seq[i];
    std::size_t run = 1;
    while (i + run < seq.size() && seq[i + run] == v) ++run;
    if (v == 0 && run >= 11) {
      const std::size_t r = std::min<std::size_t>(run, 138);
      h.runs.emplace_back(18, static_cast<std::uint8_t>(r - 11));
      i += r;
    } else if (v == 0 && run >= 3) {
      h.runs.emplace_back(17, static_cast<std::uint8_t>(run - 3));
      i += run;
    } else {
      h.runs.emplace_back(v, 0);
      ++i;
      for (--run; v != 0 && run >= 3;) {  // repeats of the length just sent
        const std::size_t r = std::min<std::size_t>(run, 6);
        h.runs.emplace_back(16, static_cast<std::uint8_t>(r - 3));
        i += r;
        run -= r;
      }
    }
  }

  std::vector<std::uint32_t> codelen_freq(19, 0);
  for (const auto& [symbol, extra] : h.runs) ++codelen_freq[symbol];
  h.codelen = code_lengths(codelen_freq, max_codelen_bits);
  h.hclen = 19;
  while (h.hclen > 4 && h.codelen[codelen_order[h.hclen - 1]] == 0) --h.hclen;

  h.bits = 5 + 5 + 4 + 3 * static_cast<std::uint64_t>(h.hclen);
  for (const auto& [symbol, extra] : h.runs) h.bits += h.codelen[symbol] + (symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0);
  return h;
}

void write_symbols(BitWriter& out, const Symbol* begin, const Symbol* end, const std::vector<std::uint8_t>& litlen,
                   const std::vector<std::uint8_t>& dist) {
  const std::vector<std::uint16_t> lcodes = canonical_codes(litlen), dcodes = canonical_codes(dist);
  for (const Symbol* s = begin; s != end; ++s) {
    if (s->dist == 0) {
      out.put(lcodes[s->litlen], litlen[s->litlen]);
      continue;
    }
    const int lc = length_code(s->litlen), dc = dist_code(s->dist);
    out.put(lcodes[257 + lc], litlen[257 + lc]);
    out.put(s->litlen - length_base[lc], length_extra[lc]);
    out.put(dcodes[dc], dist[dc]);
    out.put(s->dist - dist_base[dc], dist_extra[dc]);
  }
  out.put(lcodes[end_of_block], litlen[end_of_block]);
}

// Stored blocks for `raw` (up to 65535 bytes each), as bits from the writer's present position.
std::uint64_t stored_bits(std::string_view raw, int fill) {
  std::uint64_t bits = 0;
  std::size_t left = raw.size();
  do {
    const std::size_t n = std::min<std::size_t>(left, 65535);
    bits += 3 + (8 - (fill + 3) % 8) % 8 + 32 + 8 * n;
    fill = 0;
    left -= n;
  } while (left > 0);
  return bits;
}

void write_stored(BitWriter& out, std::string_view raw, bool final) {
  do {
    const std::size_t n = std::min<std::size_t>(raw.size(), 65535);
    out.put(final && n == raw.size() ? 1 : 0, 1);
    out.put(0, 2);
    out.align();
    out.put(static_cast<std::uint32_t>(n), 16);
    out.put(static_cast<std::uint32_t>(~n & 0xFFFF), 16);
    out.append(raw.substr(0, n));
    raw.remove_prefix(n);
  } while (!raw.empty());
}

// One block of symbols (covering the bytes `raw`) in whichever of the three forms is smallest.
void write_block(BitWriter& out, const Symbol* begin, const Symbol* end, std::string_view raw, bool final) {
  static const std::vector<std::uint8_t> fixed_litlen = fixed_litlen_lengths();
  const Frequencies f = count_symbols(begin, end);
  const DynamicHeader h = dynamic_header(f);
  const std::uint64_t dynamic = 3 + h.bits + data_bits(f, h.litlen, h.dist);
  const std::uint64_t fixed = 3 + data_bits(f, fixed_litlen, fixed_dist_lengths);
  const std::uint64_t stored = stored_bits(raw, out.fill());

  if (stored < dynamic && stored < fixed) {
    write_stored(out, raw, final);
  } else if (fixed <= dynamic) {
    out.put(final ? 1 : 0, 1);
    out.put(1, 2);
    write_symbols(out, begin, end, fixed_litlen, fixed_dist_lengths);
  } else {
    out.put(final ? 1 : 0, 1);
    out.put(2, 2);
    out.put(static_cast<std::uint32_t>(h.hlit - 257), 5);
    out.put(static_cast<std::uint32_t>(h.hdist - 1), 5);
    out.put(static_cast<std::uint32_t>(h.hclen - 4), 4);
    for (int k = 0; k < h.hclen; ++k) out.put(h.codelen[codelen_order[k]], 3);
    const std::vector<std::uint16_t> cl_codes = canonical_codes(h.codelen);
    for (const auto& [symbol, extra] : h.runs) {
      out.put(cl_codes[symbol], h.codelen[symbol]);
      if (symbol >= 16) out.put(extra, symbol == 16 ? 2 : symbol == 17 ? 3 : 7);
    }
    write_symbols(out, begin, end, h.litlen, h.dist);
  }
}
}  // namespace

std::string deflate_raw(std::string_view data) {
  constexpr std::size_t block_symbols = std::size_t{1} << 15;
  const std::vector<Symbol> symbols = lz77(data);
  BitWriter out;
  std::size_t raw_at = 0;
  std::size_t k = 0;
  do {
    const std::size_t end = std::min(symbols.size(), k + block_symbols);
    std::size_t raw_len = 0;
    for (std::size_t i = k; i < end; ++i) raw_len += symbols[i].dist == 0 ? 1 : symbols[i].litlen;
    write_block(out, symbols.data() + k, symbols.data() + end, data.substr(raw_at, raw_len), end == symbols.size());
    raw_at += raw_len;
    k = end;
  } while (k < symbols.size());
  return out.take();
}

}  // namespace ap::io
