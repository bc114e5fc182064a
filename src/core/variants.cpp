// SPEC §1b per head.
#include "core/variants.hpp"

#include <cmath>

namespace ap::core {

std::vector<double> alibi_slopes(int heads) {
  const auto power_of_two_slopes = [](int n) {
    std::vector<double> slopes;
    for (int i = 0; i < n; ++i) slopes.push_back(std::exp2(-8.0 * (i + 1) / n));
    return slopes;
  };
  int p = 1;
  while (2 * p <= heads) p *= 2;
  std::vector<double> slopes = power_of_two_slopes(p);
  if (p == heads) return slopes;
  const std::vector<double> finer = power_of_two_slopes(2 * p);
  for (int i = 0; i < heads - p; ++i) slopes.push_back(finer[static_cast<std::size_t>(2 * i)]);
  return slopes;
}

int alibi_query_offset(const Scenario& s) { return s.mask.causal == CausalAlign::bottom_right ? s.m() - s.n() : 0; }

template <class T>
HeadVariants<T> head_variants(const Scenario& s, int head) {
  const Variants& v = s.variants;
  HeadVariants<T> hv;
  if (v.alibi) {
    hv.alibi_slope = static_cast<T>(alibi_slopes(s.heads)[static_cast<std::size_t>(head)]);
    hv.query_offset = alibi_query_offset(s);
  }
  if (v.softcap) hv.softcap = static_cast<T>(*v.softcap);
  hv.fill = static_cast<T>(s.mask_fill());
  hv.precision = v.precision;
  if (v.sinks) {
    hv.has_sink = true;
    hv.sink = static_cast<T>((*v.sinks)(head));
    if (v.precision) hv.sink = round_to(*v.precision, hv.sink);
  }
  return hv;
}

template HeadVariants<float> head_variants<float>(const Scenario&, int);
template HeadVariants<double> head_variants<double>(const Scenario&, int);

}  // namespace ap::core
