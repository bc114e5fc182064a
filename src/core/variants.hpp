// What the SPEC §1b variants mean for one head: ALiBi's slopes and positions, the fill, the sink and the
// precision, gathered into the HeadVariants every kernel receives; and the scenario-level helpers of
// grouped-query attention. Pure functions of the scenario; no I/O.
#pragma once

#include <vector>

#include "core/kernel.hpp"
#include "core/scenario.hpp"

namespace ap::core {

// ALiBi's slope of each of h heads (Press et al.): 2^(−8(i+1)/h) for h a power of two; otherwise the
// slopes for p (the largest power of two below h), then the even-indexed slopes of 2p, the first h − p.
std::vector<double> alibi_slopes(int heads);

// ALiBi's query position offset: p_q = i + offset, M − N with bottom-right causal alignment, else 0.
int alibi_query_offset(const Scenario& s);

// Head `head`'s variants in T: slope, offset, softcap, fill, sink (rounded to the precision), precision.
template <class T>
HeadVariants<T> head_variants(const Scenario& s, int head);

}  // namespace ap::core
