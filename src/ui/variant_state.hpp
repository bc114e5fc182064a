// What the SPEC §1b views (Variants, Precision, KV cache) keep between frames: their choices, the second traces
// they compare against (computed by core, cached until the scenario changes), the KV-cache decoder being
// stepped, and derived matrices cached by revision. Plain data, held in ViewState; no function statics.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/kv_cache.hpp"
#include "core/trace.hpp"
#include "core/variant_views.hpp"

namespace ap::ui {

// Traces of variations of the scenario on screen (another fill, another precision, without ALiBi …), computed by
// the reference in double, at most one a frame, and dropped when the scenario changes (ui/side_traces.hpp).
struct SideTraces {
  unsigned scenario_revision = 0;
  std::map<std::string, core::Trace> traces;
  std::map<std::string, std::string> refusals;  // why a variation was not computed
  int frame_computed = -1;                      // the ImGui frame that computed one already
};

struct DecodeState {
  unsigned scenario_revision = 0;
  bool started = false;                         // a decoder was made for this revision (or refused)
  std::optional<core::KvCacheDecoder> decoder;  // empty when the scenario cannot be decoded (see refusal)
  std::string refusal;
  std::optional<core::DecodeStep> last;         // the step shown
  bool playing = false;                         // one step a frame until the end
  std::map<int, core::Matrix> k_cache, v_cache; // per K/V head: the cache so far, as matrices to draw
  std::map<int, core::Matrix> weights_row;      // per query head: the last step's weights (1 × (t + 1))
};

struct VariantViewState {
  std::string select;       // a sub-view of the Variants tab ("gqa", "alibi", …) to bring forward next frame
  unsigned variants_on = 0; // which variants the scenario had last frame: one newly turned on comes forward
  int softcap_row = 0, mask_fill_row = -1;
  int precision_stage = 0;  // 0 scores, 1 scaled, 2 weights, 3 head output, 4 output
  SideTraces side;
  DecodeState decode;
  unsigned derived_revision = 0;             // AppState::revision() the matrices below were made for
  std::map<std::string, core::Matrix> derived;  // ALiBi biases, correct digits, sink mass columns, by name
  unsigned summary_revision = 0;             // AppState::revision() the summary below describes
  bool summary_valid = false;
  core::NonFiniteSummary summary;            // of the trace on screen
};

}  // namespace ap::ui
