// The mask as the editor names it (one of seven kinds) and the mask a switch of kind leads to, so the editor
// only picks: "causal" → "custom (paint)" starts painting from the causal cells, not from all ones.
#pragma once

#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace ap::core {

enum class MaskKind { none, causal, causal_bottom_right, window, key_padding, custom, combined };

const std::vector<std::string>& mask_kind_names();  // the editor's words, in MaskKind order
MaskKind mask_kind(const MaskSpec& mask);
// The mask of `kind` for scenario `s`, starting from what s.mask allows now where the kind can say so.
MaskSpec mask_of_kind(MaskKind kind, const Scenario& s);

}  // namespace ap::core
