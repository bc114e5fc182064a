// Mask kinds (see mask_kind.hpp).
#include "core/mask_kind.hpp"

#include "core/mask.hpp"

namespace ap::core {

const std::vector<std::string>& mask_kind_names() {
  static const std::vector<std::string> names = {"none", "causal", "causal (bottom-right)", "window",
                                                 "key padding", "custom (paint)", "combined"};
  return names;
}

MaskKind mask_kind(const MaskSpec& m) {
  const bool causal = m.causal != CausalAlign::none;
  if ((m.allow || m.key_valid) && causal) return MaskKind::combined;
  if (m.allow && m.key_valid) return MaskKind::combined;
  if (m.allow) return MaskKind::custom;
  if (m.key_valid) return MaskKind::key_padding;
  if (m.window > 0) return MaskKind::window;
  if (m.causal == CausalAlign::bottom_right) return MaskKind::causal_bottom_right;
  if (m.causal == CausalAlign::top_left) return MaskKind::causal;
  return MaskKind::none;
}

MaskSpec mask_of_kind(MaskKind kind, const Scenario& s) {
  MaskSpec next;
  switch (kind) {
    case MaskKind::none: break;
    case MaskKind::causal: next.causal = CausalAlign::top_left; break;
    case MaskKind::causal_bottom_right: next.causal = CausalAlign::bottom_right; break;
    case MaskKind::window:
      next.causal = s.mask.causal == CausalAlign::bottom_right ? CausalAlign::bottom_right : CausalAlign::top_left;
      next.window = s.mask.window > 0 ? s.mask.window : 2;
      break;
    case MaskKind::key_padding:
      next.key_valid = s.mask.key_valid ? *s.mask.key_valid : std::vector<std::uint8_t>(static_cast<std::size_t>(s.m()), 1);
      if (!s.mask.key_valid && s.m() > 1) next.key_valid->back() = 0;  // one padded key, so the switch shows
      break;
    case MaskKind::custom:  // paint from the cells allowed now
      next.allow = allow_matrix(MaskRule(s.mask, s.n(), s.m()));
      break;
    case MaskKind::combined: next = s.mask; break;
  }
  return next;
}

}  // namespace ap::core
