// Edit notes (see edit_notes.hpp).
#include "core/edit_notes.hpp"

#include "core/mask.hpp"
#include "core/mask_kind.hpp"

namespace ap::core {

namespace {

std::string keys_list(const std::vector<int>& keys, const std::vector<std::string>& tokens) {
  std::string out;
  const std::size_t shown = std::min<std::size_t>(keys.size(), 4);
  for (std::size_t k = 0; k < shown; ++k) out += (k ? ", " : "") + tokens[static_cast<std::size_t>(keys[k])];
  if (keys.size() > shown) out += ", … (" + std::to_string(keys.size()) + " keys)";
  return out;
}

// Keys no query may attend under s's mask.
std::vector<int> keys_hidden_from_all(const Scenario& s) {
  const AllowMatrix allowed = allow_matrix(MaskRule(s.mask, s.n(), s.m()));
  std::vector<int> hidden;
  for (int j = 0; j < s.m(); ++j) {
    bool seen = false;
    for (int i = 0; i < s.n() && !seen; ++i) seen = allowed(i, j) != 0;
    if (!seen) hidden.push_back(j);
  }
  return hidden;
}

}  // namespace

std::string head_count_note(const Scenario& before, const Scenario& after) {
  if (before.heads == after.heads) return "";
  const std::string h = std::to_string(after.heads);
  std::string out = "heads = " + h + ": W_Q, W_K, W_V re-split into " + h + " column blocks and W_O into " + h + " row blocks";
  if (after.d_k != before.d_k || after.d_v != before.d_v) {
    out += "; d_k = " + std::to_string(after.d_k) + " and d_v = " + std::to_string(after.d_v) + " (d_model / h = " +
           std::to_string(after.d_model()) + " / " + h + ", was " + std::to_string(before.d_k) + ")";
  } else {
    out += "; d_k stays " + std::to_string(after.d_k);
    if (after.d_model() % after.heads != 0) out += " (" + h + " does not divide d_model = " + std::to_string(after.d_model()) + ")";
    out += ", so the weights now have " + std::to_string(after.heads * after.d_k) + " columns (h·d_k)";
  }
  return out;
}

std::string context_note(const Scenario& before, const Scenario& after) {
  if (!after.context) return before.context ? "cross-attention off: keys and values come from x again (M = N)" : "";
  std::string out;
  if (!before.context)
    out = "cross-attention on: " + std::to_string(after.m()) + " keys and values from context.x";
  else if (before.m() != after.m())
    out = "context tokens M = " + std::to_string(after.m());
  else
    return "";
  const std::vector<int> hidden = keys_hidden_from_all(after);
  if (hidden.empty()) return out;
  const std::string kind = mask_kind_names()[static_cast<std::size_t>(mask_kind(after.mask))];
  return out + "; the " + kind + " mask stays and hides " + keys_list(hidden, after.context->tokens) +
         " from every query (choose mask \"none\" or \"causal (bottom-right)\" to show them)";
}

}  // namespace ap::core
