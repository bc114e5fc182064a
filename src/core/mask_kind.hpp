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
// "combined" keeps the parts there are and adds one (causal, or key padding when causal is there already).
MaskSpec mask_of_kind(MaskKind kind, const Scenario& s);

// The parts a mask ANDs, each switched on or off by itself (the editor's controls for "combined").
enum class MaskPart { causal, window, key_padding, painted };
const std::vector<std::string>& mask_part_names();  // in MaskPart order
bool has_mask_part(const MaskSpec& mask, MaskPart part);
// s's mask with `part` on (causal top-left, a window of 2, the last key padded, painted cells starting from the
// cells allowed now) or off (a window goes with its causal part). The other parts are kept.
MaskSpec with_mask_part(const Scenario& s, MaskPart part, bool on);
// The parts in words: "causal (top-left) AND key padding (1 of 5 keys padded)"; "none" without parts.
std::string mask_parts_text(const MaskSpec& mask);
// Why painting cell (i, j) of s's painted part does not show: "" when it shows, else the part that hides it too.
std::string painted_cell_note(const Scenario& s, int i, int j);

}  // namespace ap::core
