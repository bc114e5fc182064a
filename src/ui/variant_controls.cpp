// The editor's SPEC §1b controls: kv_heads (stepping through the divisors of heads, W_K and W_V reblocked by
// core::with_kv_heads), ALiBi, soft-cap, sinks (with each head's logit), mask fill and precision, each with a
// line saying what it does. Every change is a proposed scenario (AppState::propose) or a cell edit (a sink
// logit), so validation decides and a refusal shows in the status bar; nothing here computes.
#include "ui/variant_controls.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include <imgui.h>

#include "core/scenario_edit.hpp"
#include "core/variant_views.hpp"
#include "ui/editor_panel.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

using core::Scenario;

void explain(const char* text) { note_wrapped_visible("%s", text); }

// A number typed beside a control (widget `id`), applied on Enter; the value typed, when one was.
std::optional<double> number_field(const char* id, const char* label, double value) {
  ImGui::SameLine();
  ImGui::SetNextItemWidth(6 * ImGui::GetFontSize());
  const bool entered = ImGui::InputDouble((std::string(label) + "##" + id).c_str(), &value, 0, 0, "%.6g",
                                          ImGuiInputTextFlags_EnterReturnsTrue);
  widget_rects().record_last_item(id);
  return entered ? std::optional<double>(value) : std::nullopt;
}

// A copy of the scenario on screen with one change, proposed as one undo step.
template <class Change>
void propose_with(AppState& state, Change change) {
  Scenario next = state.scenario();
  change(next);
  state.propose(std::move(next));
}

// kv_heads: a typed value (applied on Enter), or − / + to the next divisor of heads.
void draw_kv_heads(AppState& state) {
  const Scenario& s = state.scenario();
  const std::vector<int> allowed = core::divisors(s.heads);
  const int g = s.kv_heads();
  int typed = g;
  ImGui::PushID("kv_heads");
  ImGui::SetNextItemWidth(3.5f * ImGui::GetFontSize());
  const bool entered = ImGui::InputInt("##value", &typed, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue);
  widget_rects().record_last_item("kv_heads");
  ImGui::SameLine(0, 2);
  const auto below = std::find_if(allowed.rbegin(), allowed.rend(), [&](int d) { return d < g; });
  const auto above = std::find_if(allowed.begin(), allowed.end(), [&](int d) { return d > g; });
  std::optional<int> chosen;
  if (entered && typed != g) chosen = typed;
  if (ImGui::Button("-") && below != allowed.rend()) chosen = *below;
  widget_rects().record_last_item("kv_heads.dec");
  ImGui::SameLine(0, 2);
  if (ImGui::Button("+") && above != allowed.end()) chosen = *above;
  widget_rects().record_last_item("kv_heads.inc");
  ImGui::SameLine();
  ImGui::Text("K/V heads g  (%s)", g == s.heads ? "textbook: one per query head" : g == 1 ? "multi-query" : "grouped-query");
  ImGui::PopID();
  if (chosen) state.propose(core::with_kv_heads(s, *chosen));
  explain("query head i reads K/V head floor(i·g/h): fewer K/V heads, a smaller W_K, W_V and KV cache");
}

void draw_softcap(AppState& state) {
  const Scenario& s = state.scenario();
  bool on = s.variants.softcap.has_value();
  if (ImGui::Checkbox("soft-cap", &on))
    propose_with(state, [&](Scenario& n) { n.variants.softcap = on ? std::optional<double>(5.0) : std::nullopt; });
  widget_rects().record_last_item("softcap");
  if (s.variants.softcap)
    if (auto cap = number_field("softcap.value", "c", *s.variants.softcap))
      propose_with(state, [&](Scenario& n) { n.variants.softcap = *cap; });
  explain("scaled <- c·tanh(scaled / c) before the mask: no score beyond ±c (Gemma 2 caps at c = 50)");
}

void draw_sinks(AppState& state, GridState& grids) {
  const Scenario& s = state.scenario();
  bool on = s.variants.sinks.has_value();
  if (ImGui::Checkbox("attention sinks", &on))
    propose_with(state, [&](Scenario& n) {
      n.variants.sinks = on ? std::optional<core::RowVector>(core::RowVector::Zero(s.heads)) : std::nullopt;
    });
  widget_rects().record_last_item("sinks");
  explain("one logit per head joins the softmax with no value behind it: a row may give its weight to nothing");
  if (!s.variants.sinks) return;
  ImGui::TextDisabled("sink logit per head");
  const GridSpec spec = grid_of("sinks", *s.variants.sinks);
  apply_grid_edits(state, grids, spec, edit_grid(grids, spec));
}

void draw_mask_fill(AppState& state) {
  const Scenario& s = state.scenario();
  const bool finite = s.variants.mask_fill && *s.variants.mask_fill != -std::numeric_limits<double>::infinity();
  if (auto c = choose("mask_fill", "mask fill", {"-inf", "number"}, finite ? 1 : 0))
    propose_with(state, [&](Scenario& n) { n.variants.mask_fill = *c == 1 ? std::optional<double>(-1e9) : std::nullopt; });
  if (finite)
    if (auto fill = number_field("mask_fill.value", "", *s.variants.mask_fill))
      propose_with(state, [&](Scenario& n) { n.variants.mask_fill = *fill; });
  explain("what a masked score becomes: with -1e9 a row with no allowed key gets uniform weights, not zeros");
}

void draw_precision(AppState& state) {
  const Scenario& s = state.scenario();
  const int current = s.variants.precision ? 1 + static_cast<int>(*s.variants.precision) : 0;
  if (auto c = choose("precision", "precision", {"none", "fp32", "fp16", "bf16"}, current))
    propose_with(state, [&](Scenario& n) {
      n.variants.precision = *c == 0 ? std::nullopt : std::optional<core::Precision>(static_cast<core::Precision>(*c - 1));
    });
  explain("computes as a model in that format would (rounded at every stage); an overflow shows as ±inf, explained");
}

}  // namespace

void draw_variant_controls(AppState& state, GridState& grids) {
  static const char* const ids[] = {"kv_heads", "alibi", "softcap", "sinks", "mask_fill", "precision"};
  for (const char* id : ids)  // a script asking for one of these opens the section
    if (widget_rects().revealing(id)) ImGui::SetNextItemOpen(true);
  ImGui::SetNextItemOpen(true, ImGuiCond_Once);
  const bool open = ImGui::TreeNode("What today's models run (SPEC §1b)");
  widget_rects().record_last_item("section.variants");
  if (!open) return;
  draw_kv_heads(state);
  const Scenario& s = state.scenario();
  bool alibi = s.variants.alibi;
  if (ImGui::Checkbox("ALiBi", &alibi)) propose_with(state, [&](Scenario& n) { n.variants.alibi = alibi; });
  widget_rects().record_last_item("alibi");
  explain("head i adds -m_i·|p_q - p_k| to its scores: nearer keys win, each head with its own slope m_i");
  draw_softcap(state);
  draw_sinks(state, grids);
  draw_mask_fill(state);
  draw_precision(state);
  ImGui::TreePop();
}

}  // namespace ap::ui
