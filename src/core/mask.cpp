// Evaluation of a MaskSpec for given N and M.
#include "core/mask.hpp"

#include <algorithm>

namespace ap::core {

MaskRule::MaskRule(const MaskSpec& spec, int n, int m) : n_(n), m_(m) {
  causal_ = spec.causal != CausalAlign::none;
  offset_ = spec.causal == CausalAlign::bottom_right ? m - n : 0;
  window_ = spec.window;
  if (spec.allow) allow_ = spec.allow->data();
  if (spec.key_valid) key_valid_ = spec.key_valid->data();
}

MaskRule MaskRule::rows(int first, int count) const {
  MaskRule sub = *this;
  sub.first_row_ = first_row_ + first;
  sub.n_ = count;
  return sub;
}

KeyRange MaskRule::key_range(int i) const {
  if (!causal_) return {0, m_};
  const int last = first_row_ + i + offset_;  // j ≤ i + offset
  const int begin = window_ > 0 ? std::max(0, last - window_ + 1) : 0;
  const int end = std::clamp(last + 1, 0, m_);
  return {std::min(begin, end), end};
}

bool MaskRule::allowed(int i, int j) const {
  const KeyRange r = key_range(i);
  if (j < r.begin || j >= r.end) return false;
  if (allow_ && !allow_[static_cast<std::size_t>(first_row_ + i) * m_ + j]) return false;
  if (key_valid_ && !key_valid_[j]) return false;
  return true;
}

bool MaskRule::row_has_key(int i) const {
  const KeyRange r = key_range(i);
  if (!needs_elementwise_check()) return r.begin < r.end;
  for (int j = r.begin; j < r.end; ++j)
    if (allowed(i, j)) return true;
  return false;
}

AllowMatrix allow_matrix(const MaskRule& rule) {
  AllowMatrix a(rule.queries(), rule.keys());
  for (int i = 0; i < rule.queries(); ++i)
    for (int j = 0; j < rule.keys(); ++j) a(i, j) = rule.allowed(i, j) ? 1 : 0;
  return a;
}

std::vector<int> empty_rows(const MaskRule& rule) {
  std::vector<int> rows;
  for (int i = 0; i < rule.queries(); ++i)
    if (!rule.row_has_key(i)) rows.push_back(i);
  return rows;
}

std::vector<int> empty_rows(const AllowMatrix& allowed) {
  std::vector<int> rows;
  for (Eigen::Index i = 0; i < allowed.rows(); ++i)
    if ((allowed.row(i).array() == 0).all()) rows.push_back(static_cast<int>(i));
  return rows;
}

}  // namespace ap::core
