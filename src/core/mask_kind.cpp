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
    case MaskKind::combined:  // keep what is there and add a part, so the choice shows
      next = s.mask;
      if (mask_kind(next) != MaskKind::combined) {
        const bool causal = next.causal != CausalAlign::none;
        next = with_mask_part(s, causal ? MaskPart::key_padding : MaskPart::causal, true);
        if (mask_kind(next) != MaskKind::combined) {  // key padding alone (or causal alone): add the other
          Scenario with = s;
          with.mask = next;
          next = with_mask_part(with, causal ? MaskPart::causal : MaskPart::key_padding, true);
        }
      }
      break;
  }
  return next;
}

const std::vector<std::string>& mask_part_names() {
  static const std::vector<std::string> names = {"causal", "window", "key padding", "painted cells"};
  return names;
}

bool has_mask_part(const MaskSpec& m, MaskPart part) {
  switch (part) {
    case MaskPart::causal: return m.causal != CausalAlign::none;
    case MaskPart::window: return m.window > 0;
    case MaskPart::key_padding: return m.key_valid.has_value();
    case MaskPart::painted: return m.allow.has_value();
  }
  return false;
}

MaskSpec with_mask_part(const Scenario& s, MaskPart part, bool on) {
  MaskSpec next = s.mask;
  switch (part) {
    case MaskPart::causal:
      next.causal = on ? (s.mask.causal != CausalAlign::none ? s.mask.causal : CausalAlign::top_left) : CausalAlign::none;
      if (!on) next.window = 0;
      break;
    case MaskPart::window:
      next.window = on ? (s.mask.window > 0 ? s.mask.window : 2) : 0;
      if (on && next.causal == CausalAlign::none) next.causal = CausalAlign::top_left;
      break;
    case MaskPart::key_padding:
      if (!on) next.key_valid.reset();
      else if (!next.key_valid) {
        next.key_valid = std::vector<std::uint8_t>(static_cast<std::size_t>(s.m()), 1);
        if (s.m() > 1) next.key_valid->back() = 0;  // one padded key, so the switch shows
      }
      break;
    case MaskPart::painted:
      if (!on) next.allow.reset();
      else if (!next.allow) next.allow = allow_matrix(MaskRule(s.mask, s.n(), s.m()));  // from the cells allowed now
      break;
  }
  return next;
}

std::string mask_parts_text(const MaskSpec& m) {
  std::vector<std::string> parts;
  if (m.causal != CausalAlign::none)
    parts.push_back(std::string("causal (") + (m.causal == CausalAlign::top_left ? "top-left" : "bottom-right") + ")");
  if (m.window > 0) parts.push_back("window of " + std::to_string(m.window) + " keys");
  if (m.key_valid) {
    int padded = 0;
    for (std::uint8_t v : *m.key_valid) padded += v ? 0 : 1;
    parts.push_back("key padding (" + std::to_string(padded) + " of " + std::to_string(m.key_valid->size()) + " keys padded)");
  }
  if (m.allow) {
    long allowed = 0;
    for (Eigen::Index k = 0; k < m.allow->size(); ++k) allowed += m.allow->data()[k] ? 1 : 0;
    parts.push_back("painted cells (" + std::to_string(allowed) + " of " + std::to_string(m.allow->size()) + " allowed)");
  }
  if (parts.empty()) return "none";
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? " AND " : "") + parts[k];
  return out;
}

std::string painted_cell_note(const Scenario& s, int i, int j) {
  if (!s.mask.allow || i < 0 || j < 0 || i >= s.n() || j >= s.m()) return "";
  MaskSpec others = s.mask;
  others.allow.reset();
  if (MaskRule(others, s.n(), s.m()).allowed(i, j)) return "";
  std::string part;
  MaskSpec only = others;
  only.key_valid.reset();
  if (!MaskRule(only, s.n(), s.m()).allowed(i, j)) part = others.window > 0 ? "causal/window part" : "causal part";
  else part = "key padding part";
  return "cell (" + std::to_string(i) + ", " + std::to_string(j) + ") stays hidden whatever is painted there: the " + part +
         " of the mask hides it too";
}

}  // namespace ap::core
