// Editor panel. A cell or a label is one command (AppState::edit_cell / rename_token); a change of shape goes
// through core/scenario_edit.hpp so the user's numbers survive it, and says in one line what else it changed.
#include "ui/editor_panel.hpp"

#include <cmath>

#include <imgui.h>

#include "core/cell_labels.hpp"
#include "core/edit_notes.hpp"
#include "core/limits.hpp"
#include "core/mask_kind.hpp"
#include "core/presets.hpp"
#include "core/scenario_edit.hpp"
#include "ui/exchange.hpp"
#include "ui/format.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/variant_controls.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

using core::Scenario;

void notify(std::string text) {
  exchange().notice = std::move(text);
  exchange().notice_is_error = false;
}

// A grid whose edits become cell and label commands.
void grid(AppState& state, ViewState& view, const GridSpec& spec, bool context_labels = false) {
  const GridEdits e = edit_grid(view.editor.grids, spec);
  apply_grid_edits(state, view.editor.grids, spec, e);
  if (e.label) state.rename_token(context_labels, e.label->row, e.label->label, e.label->merge);
}

// A small "value  −  +" stepper: the field is widget `id`, the buttons `id.dec` and `id.inc`.
// Typed values apply on Enter (an intermediate "1" on the way to "16" must not rebuild the weights).
std::optional<int> stepper(AppState& state, const char* id, const char* label, int value, int lo, int hi) {
  int v = value;
  ImGui::PushID(id);
  ImGui::SetNextItemWidth(3.5f * ImGui::GetFontSize());
  ImGui::InputInt("##value", &v, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue);
  widget_rects().record_last_item(id);
  ImGui::SameLine(0, 2);
  if (ImGui::Button("-")) v = value - 1;
  widget_rects().record_last_item(std::string(id) + ".dec");
  ImGui::SameLine(0, 2);
  if (ImGui::Button("+")) v = value + 1;
  widget_rects().record_last_item(std::string(id) + ".inc");
  ImGui::SameLine();
  ImGui::TextUnformatted(label);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%d to %d", lo, hi);
  ImGui::PopID();
  if (v == value) return std::nullopt;
  if (v < lo || v > hi) {
    state.report({id, "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + std::to_string(v)});
    return std::nullopt;
  }
  return v;
}

void draw_presets(AppState& state, EditorState& editor) {
  std::vector<std::string> titles;
  int current = -1;
  for (const auto& p : core::presets()) {
    if (p.id == editor.preset) current = static_cast<int>(titles.size());
    titles.push_back(p.title);
  }
  const bool edited = current >= 0 && state.scenario_revision() != editor.preset_revision;
  if (edited) titles[static_cast<std::size_t>(current)] += " (edited)";
  if (auto chosen = choose("preset", "preset", titles, current)) {
    const core::PresetInfo& p = core::presets()[static_cast<std::size_t>(*chosen)];
    if (!state.propose(core::make_preset(p.id, static_cast<unsigned>(editor.preset_seed)))) {
      editor.preset = p.id;
      editor.preset_revision = state.scenario_revision();
    }
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(5 * ImGui::GetFontSize());
  ImGui::InputInt("seed", &editor.preset_seed);
  if (current >= 0) {  // what the loaded preset demonstrates, in one line
    const std::string& story = core::presets()[static_cast<std::size_t>(current)].story;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", story.c_str());
    ImGui::PopStyleColor();
    widget_rects().record_last_item("preset.claim");
  }
}

void draw_shape(AppState& state) {
  namespace limits = core::limits;
  const Scenario& s = state.scenario();
  if (auto n = stepper(state, "tokens", "tokens N", s.n(), 1, limits::max_tokens)) state.propose(core::with_token_count(s, *n));
  ImGui::SameLine();
  if (auto d = stepper(state, "d_model", "d_model", s.d_model(), 1, limits::max_d_model)) state.propose(core::with_d_model(s, *d));
  if (auto h = stepper(state, "heads", "heads h", s.heads, 1, limits::max_heads)) {
    const Scenario before = s;
    if (!state.propose(core::with_head_count(s, *h))) notify(core::head_count_note(before, state.scenario()));
  }
  ImGui::SameLine();
  if (auto dk = stepper(state, "d_k", "d_k", s.d_k, 1, limits::max_head_width)) state.propose(core::with_head_shape(s, s.heads, *dk, s.d_v));
  ImGui::SameLine();
  if (auto dv = stepper(state, "d_v", "d_v", s.d_v, 1, limits::max_head_width)) state.propose(core::with_head_shape(s, s.heads, s.d_k, *dv));
}

void draw_weights(AppState& state, ViewState& view) {
  const Scenario& s = state.scenario();
  struct Section {
    const char* title;
    const char* id;
    const char* bias_id;
    const core::Matrix& weights;
    const core::RowVector& bias;
    int column_block, row_block, bias_block;  // each head's block, tinted
  };
  const Section sections[] = {
      {"W_Q  (d_model × h·d_k)", "w_q", "b_q", s.w_q, s.b_q, s.d_k, 0, s.d_k},
      {"W_K  (d_model × h·d_k)", "w_k", "b_k", s.w_k, s.b_k, s.d_k, 0, s.d_k},
      {"W_V  (d_model × h·d_v)", "w_v", "b_v", s.w_v, s.b_v, s.d_v, 0, s.d_v},
      {"W_O  (h·d_v × d_model)", "w_o", "b_o", s.w_o, s.b_o, 0, s.d_v, 0},
  };
  for (const Section& section : sections) {
    if (widget_rects().revealing(std::string(section.id) + "[") || widget_rects().revealing(std::string(section.bias_id) + "["))
      ImGui::SetNextItemOpen(true);
    const bool open = ImGui::TreeNode(section.title);
    widget_rects().record_last_item(std::string("section.") + section.id);
    if (!open) continue;
    // Rows and columns named (input feature, head block, output feature), the bias as a row named "bias" below.
    const core::GridLabels labels = core::grid_labels(s, section.id);
    const core::GridLabels bias_labels = core::grid_labels(s, section.bias_id);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped_visible("%s; the last row is the bias %s, added to every row of the product", labels.caption.c_str(), section.bias_id);
    ImGui::PopStyleColor();
    GridSpec w = grid_of(section.id, section.weights, &labels.rows);
    w.col_labels = &labels.cols;
    w.label_width = 2.6f;
    w.column_block = section.column_block;
    w.row_block = section.row_block;
    grid(state, view, w);
    GridSpec b = grid_of(section.bias_id, section.bias);
    b.row_labels = &bias_labels.rows;
    b.label_width = 2.6f;
    b.column_block = section.bias_block;
    grid(state, view, b);
    ImGui::TreePop();
  }
}

void draw_scale(AppState& state) {
  const Scenario& s = state.scenario();
  const std::vector<std::string> options = {"1/sqrt(d_k)", "none", "multiplier"};
  if (auto c = choose("scale", "scale", options, static_cast<int>(s.scale.kind))) {
    Scenario next = s;
    next.scale.kind = static_cast<core::ScaleKind>(*c);
    state.propose(std::move(next));
  }
  if (s.scale.kind == core::ScaleKind::multiplier) {
    ImGui::SameLine();
    double mult = s.scale.multiplier;
    ImGui::SetNextItemWidth(6 * ImGui::GetFontSize());
    if (ImGui::InputDouble("##multiplier", &mult, 0, 0, "%.6g")) {
      Scenario next = s;
      next.scale.multiplier = mult;
      state.propose(std::move(next));
    }
    widget_rects().record_last_item("scale.multiplier");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("× %s", format_precise(s.scale.factor(s.d_k)).c_str());
}

void draw_key_valid(AppState& state) {
  const Scenario& s = state.scenario();
  const auto& valid = *s.mask.key_valid;
  ImGui::TextUnformatted("valid keys (unticked = padding):");
  constexpr int per_line = 16;
  const int lines = (s.m() + per_line - 1) / per_line;
  ImGuiListClipper clipper;
  clipper.Begin(lines, ImGui::GetFrameHeightWithSpacing());
  int reveal = -1;
  if (std::sscanf(widget_rects().reveal().c_str(), "mask.key_valid[%d]", &reveal) == 1 && reveal >= 0 && reveal < s.m())
    clipper.ForceDisplayRangeByIndices(reveal / per_line, reveal / per_line + 1);
  while (clipper.Step())
    for (int line = clipper.DisplayStart; line < clipper.DisplayEnd; ++line)
      for (int j = line * per_line; j < std::min(s.m(), (line + 1) * per_line); ++j) {
        if (j % per_line != 0) ImGui::SameLine();
        bool on = valid[static_cast<std::size_t>(j)] != 0;
        ImGui::PushID(j);
        if (ImGui::Checkbox("##valid", &on)) state.edit_cell({"mask.key_valid", 0, j}, on ? 1 : 0);
        widget_rects().record_last_item("mask.key_valid[" + std::to_string(j) + "]");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("key %d (%s)", j, s.keys().tokens[static_cast<std::size_t>(j)].c_str());
        ImGui::PopID();
      }
}

void draw_mask(AppState& state) {
  const Scenario& s = state.scenario();
  const core::MaskSpec& m = s.mask;
  const core::MaskKind kind = core::mask_kind(m);
  if (auto c = choose("mask", "mask", core::mask_kind_names(), static_cast<int>(kind))) {
    Scenario next = s;
    next.mask = core::mask_of_kind(static_cast<core::MaskKind>(*c), s);
    state.propose(std::move(next));
  }
  if (kind == core::MaskKind::combined) {  // each part on or off by itself; the parts' own controls follow
    ImGui::TextDisabled("combined: %s", core::mask_parts_text(m).c_str());
    for (int p = 0; p < static_cast<int>(core::mask_part_names().size()); ++p) {
      const auto part = static_cast<core::MaskPart>(p);
      bool on = core::has_mask_part(m, part);
      if (p > 0) ImGui::SameLine();
      const std::string label = core::mask_part_names()[static_cast<std::size_t>(p)] + "##maskpart";
      if (ImGui::Checkbox(label.c_str(), &on)) {
        Scenario next = s;
        next.mask = core::with_mask_part(s, part, on);
        state.propose(std::move(next));
      }
      widget_rects().record_last_item("mask.part." + core::mask_part_names()[static_cast<std::size_t>(p)]);
    }
    if (m.causal != core::CausalAlign::none) {
      const std::vector<std::string> aligns = {"top-left", "bottom-right"};
      if (auto a = choose("mask.causal.align", "causal alignment", aligns, m.causal == core::CausalAlign::bottom_right ? 1 : 0)) {
        Scenario next = s;
        next.mask.causal = *a == 1 ? core::CausalAlign::bottom_right : core::CausalAlign::top_left;
        state.propose(std::move(next));
      }
    }
    if (m.allow) ImGui::TextDisabled("painted cells: paint them in the Masks view");
  }
  if (m.window > 0) {
    if (kind != core::MaskKind::combined) ImGui::SameLine();
    if (auto w = stepper(state, "mask.window", "window w", m.window, 1, core::limits::max_tokens)) {
      Scenario next = s;
      next.mask.window = *w;
      state.propose(std::move(next));
    }
  }
  if (m.key_valid) draw_key_valid(state);
  if (s.context && m.causal != core::CausalAlign::none)
    ImGui::TextDisabled("causal with a context: query i sees context keys up to i%s", m.causal == core::CausalAlign::bottom_right ? " + (M − N)" : "");
}

void draw_positional(AppState& state, ViewState& view) {
  const Scenario& s = state.scenario();
  const std::vector<std::string> options = {"none", "sinusoidal", "learned", "rope"};
  if (auto c = choose("positional", "positional", options, static_cast<int>(s.positional.kind))) {
    Scenario next = s;
    next.positional.kind = static_cast<core::PositionalKind>(*c);
    if (next.positional.kind == core::PositionalKind::learned && next.positional.learned.rows() < std::max(s.n(), s.m()))
      next.positional.learned = core::Matrix::Zero(std::max(s.n(), s.m()), s.d_model());
    state.propose(std::move(next));
  }
  if (s.positional.kind == core::PositionalKind::rope) {  // on a line of its own: fits a 1280-pixel window
    const std::vector<std::string> pairings = {"interleaved", "half"};
    if (auto p = choose("positional.rope.pairing", "pairing", pairings, static_cast<int>(s.positional.rope_pairing))) {
      Scenario next = s;
      next.positional.rope_pairing = static_cast<core::RopePairing>(*p);
      state.propose(std::move(next));
    }
    double base = s.positional.rope_base;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(7 * ImGui::GetFontSize());
    if (ImGui::InputDouble("base##rope", &base, 0, 0, "%.6g")) {
      Scenario next = s;
      next.positional.rope_base = base;
      state.propose(std::move(next));
    }
    widget_rects().record_last_item("positional.rope.base");
  }
  if (s.positional.kind == core::PositionalKind::learned && widget_rects().revealing("positional.learned["))
    ImGui::SetNextItemOpen(true);
  if (s.positional.kind == core::PositionalKind::learned && ImGui::TreeNode("learned table  (positions × d_model)")) {
    const core::GridLabels labels = core::grid_labels(s, "positional.learned");
    GridSpec g = grid_of("positional.learned", s.positional.learned, &labels.rows);
    g.col_labels = &labels.cols;
    grid(state, view, g);
    ImGui::TreePop();
  }
}

void draw_context(AppState& state, ViewState& view) {
  const Scenario& s = state.scenario();
  bool cross = s.context.has_value();
  const auto propose_context = [&](int count) {  // and say what the mask now hides
    const Scenario before = s;
    if (!state.propose(core::with_context_count(s, count))) notify(core::context_note(before, state.scenario()));
  };
  if (ImGui::Checkbox("cross-attention (keys and values from a second sequence)", &cross)) propose_context(cross ? s.n() + 1 : 0);
  widget_rects().record_last_item("context");
  if (!s.context) return;
  if (auto m = stepper(state, "context.tokens", "context tokens M", s.m(), 1, core::limits::max_tokens)) propose_context(*m);
  ImGui::Text("context.x  (M × d_model = %d × %d): the keys' and values' tokens", s.m(), s.d_model());
  const core::GridLabels labels = core::grid_labels(s, "context.x");
  GridSpec g = grid_of("context.x", s.context->x, &s.context->tokens);
  g.col_labels = &labels.cols;
  g.labels_id = "context.tokens";
  grid(state, view, g, true);
}

void draw_backend(AppState& state) {
  const auto names = state.backends();
  int current = 0;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == state.backend()) current = static_cast<int>(i);
  if (auto c = choose("backend", "backend", names, current)) state.set_backend(names[static_cast<std::size_t>(*c)]);
  // The time and the GPU's line (its kernel and time, or why it fell back), wrapped at the visible edge of the panel.
  const ComputeResult& r = state.result();
  const std::string missing = state.backends_note();
  ImGui::PushTextWrapPos(ImGui::GetScrollX() + ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x -
                         ImGui::GetStyle().ScrollbarSize);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (state.computing()) {
    ImGui::Text("computing… %.0f %%", 100 * state.progress());
  } else {
    ImGui::TextWrapped("last result %.1f ms (%s)", r.milliseconds, r.trace.backend.c_str());
    if (r.compared && std::isfinite(r.max_diff_vs_reference))
      ImGui::TextWrapped("largest |difference| from the reference %.2e", r.max_diff_vs_reference);
    else if (r.compared)  // NaN: the trace has ±inf or NaN cells, which every view explains
      ImGui::TextWrapped("largest |difference| from the reference: not a number (the trace has ±inf or NaN cells, explained above the view)");
    else if (state.comparing())
      ImGui::TextWrapped("comparing with the reference… %.0f %%", 100 * state.progress());
  }
  ImGui::PopStyleColor();
  if (!state.computing() && !r.compared && !state.comparing() && r.trace.backend != "reference") {
    if (ImGui::SmallButton("compare with the reference")) state.compare_with_reference();
    widget_rects().record_last_item("backend.compare");
  }
  if (!r.note.empty()) ImGui::TextUnformatted(r.note.c_str());
  if (!missing.empty() && r.note.find(missing) == std::string::npos) ImGui::TextDisabled("%s", missing.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void apply_grid_edits(AppState& state, GridState& grids, const GridSpec& spec, const GridEdits& e) {
  const unsigned revision = state.scenario_revision();
  if (e.cell) state.edit_cell({spec.name, spec.is_vector ? 0 : e.cell->row, e.cell->col}, e.cell->value, e.cell->merge);
  if (e.text) state.edit_cell_text({spec.name, spec.is_vector ? 0 : e.text->row, e.text->col}, e.text->text, e.text->done, e.text->merge);
  if ((e.cell || e.text) && state.scenario_revision() == revision && !(e.cell ? e.cell->merge : e.text->merge)) grids.editing = 0;
}

void draw_editor_panel(AppState& state, ViewState& view) {
  draw_presets(state, view.editor);
  draw_backend(state);
  ImGui::Separator();
  draw_shape(state);
  const Scenario& s = state.scenario();
  ImGui::Text("tokens and x  (N × d_model = %d × %d)", s.n(), s.d_model());
  const core::GridLabels x_labels = core::grid_labels(s, "x");
  GridSpec x = grid_of("x", s.query.x, &s.query.tokens);
  x.col_labels = &x_labels.cols;
  x.labels_id = "tokens";
  grid(state, view, x);
  draw_context(state, view);
  ImGui::Separator();
  draw_scale(state);
  draw_mask(state);
  draw_positional(state, view);
  draw_variant_controls(state, view.editor.grids);
  ImGui::Separator();
  draw_weights(state, view);
}

}  // namespace ap::ui
