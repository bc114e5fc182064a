// Masks as composable parts (causal top-left / bottom-right, sliding window, key padding, a hand-drawn
// allow matrix), ANDed. MaskRule is the evaluated form every kernel uses: allowed(i, j) and, for fast
// kernels, the contiguous key range the causal/window parts leave open for a query row.
#pragma once

#include <cstdint>
#include <vector>

#include "core/matrix.hpp"
#include "core/scenario.hpp"

namespace ap::core {

struct KeyRange {
  int begin = 0;  // first key the causal/window parts allow
  int end = 0;    // one past the last
};

class MaskRule {
 public:
  MaskRule(const MaskSpec& spec, int n, int m);

  int queries() const { return n_; }
  int keys() const { return m_; }
  bool is_none() const { return !causal_ && !allow_ && !key_valid_; }
  bool needs_elementwise_check() const { return allow_ != nullptr || key_valid_ != nullptr; }

  // The same rule for query rows [first, first + count) only, numbered from 0: what a kernel given a block of
  // query rows sees (the page computes a head in such blocks, a few a frame).
  MaskRule rows(int first, int count) const;

  // Keys [begin, end) left open by causal and window; allow/key_valid may still close some of them.
  KeyRange key_range(int i) const;
  bool allowed(int i, int j) const;
  bool row_has_key(int i) const;  // query i may attend at least one key

 private:
  int n_, m_;
  bool causal_ = false;
  int offset_ = 0;  // causal diagonal: j ≤ i + offset (0 top-left, M − N bottom-right)
  int window_ = 0;
  int first_row_ = 0;  // query row i here is row first_row_ + i of the whole mask
  const std::uint8_t* allow_ = nullptr;      // n × m row-major, owned by the MaskSpec
  const std::uint8_t* key_valid_ = nullptr;  // m
};

// The whole N × M allow matrix (1 = may attend) and the rows left with no key.
AllowMatrix allow_matrix(const MaskRule& rule);
std::vector<int> empty_rows(const AllowMatrix& allowed);
std::vector<int> empty_rows(const MaskRule& rule);  // the same, without the N × M matrix

}  // namespace ap::core
