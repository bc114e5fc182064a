// Editor panel. Shape changes use core/scenario_edit.hpp so the user's numbers survive a resize.
#include "ui/editor_panel.hpp"

#include <imgui.h>

#include "core/limits.hpp"
#include "core/presets.hpp"
#include "core/scenario_edit.hpp"
#include "ui/format.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

using core::Scenario;

void apply_cell(AppState& state, core::Matrix Scenario::*field, const std::optional<CellEdit>& e) {
  if (!e) return;
  Scenario next = state.scenario();
  (next.*field)(e->row, e->col) = e->value;
  state.propose(std::move(next), e->merge);
}

void apply_bias(AppState& state, core::RowVector Scenario::*field, const std::optional<CellEdit>& e) {
  if (!e) return;
  Scenario next = state.scenario();
  (next.*field)(e->col) = e->value;
  state.propose(std::move(next), e->merge);
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
  ImGui::PopID();
  if (v == value) return std::nullopt;
  if (v < lo || v > hi) {
    state.report({id, "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + std::to_string(v)});
    return std::nullopt;
  }
  return v;
}

void draw_presets(AppState& state) {
  static int seed = 1;
  std::vector<std::string> titles;
  for (const auto& p : core::presets()) titles.push_back(p.title);
  if (auto chosen = choose("preset", "preset", titles, -1)) {
    state.propose(core::make_preset(core::presets()[static_cast<std::size_t>(*chosen)].id, static_cast<unsigned>(seed)));
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(5 * ImGui::GetFontSize());
  ImGui::InputInt("seed", &seed);
}

void draw_shape(AppState& state) {
  const Scenario& s = state.scenario();
  if (auto n = stepper(state, "tokens", "tokens N", s.n(), 1, 64)) state.propose(core::with_token_count(s, *n));
  ImGui::SameLine();
  if (auto d = stepper(state, "d_model", "d_model", s.d_model(), 1, 128)) state.propose(core::with_d_model(s, *d));
  if (auto h = stepper(state, "heads", "heads h", s.heads, 1, 16)) {
    const int dk = s.d_model() % *h == 0 ? s.d_model() / *h : s.d_k;  // keep d_model / h when it divides
    state.propose(core::with_head_shape(s, *h, dk, dk == s.d_k ? s.d_v : dk));
  }
  ImGui::SameLine();
  if (auto dk = stepper(state, "d_k", "d_k", s.d_k, 1, 256)) state.propose(core::with_head_shape(s, s.heads, *dk, s.d_v));
  ImGui::SameLine();
  if (auto dv = stepper(state, "d_v", "d_v", s.d_v, 1, 256)) state.propose(core::with_head_shape(s, s.heads, s.d_k, *dv));
}

void draw_tokens(AppState& state) {
  const Scenario& s = state.scenario();
  for (int i = 0; i < s.n(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s", s.query.tokens[static_cast<std::size_t>(i)].c_str());
    ImGui::PushID(i);
    ImGui::SetNextItemWidth(4.2f * ImGui::GetFontSize());
    if (ImGui::InputText("##token", buf, sizeof buf)) {
      Scenario next = s;
      next.query.tokens[static_cast<std::size_t>(i)] = buf;
      state.propose(std::move(next));
    }
    widget_rects().record_last_item("tokens[" + std::to_string(i) + "]");
    ImGui::PopID();
    if (i + 1 < s.n()) ImGui::SameLine();
  }
}

void draw_weights(AppState& state) {
  const Scenario& s = state.scenario();
  struct Section {
    const char* title;
    const char* id;
    const char* bias_id;
    core::Matrix Scenario::*weights;
    core::RowVector Scenario::*bias;
    int column_block, row_block, bias_block;  // each head's block, tinted
  };
  const Section sections[] = {
      {"W_Q  (d_model × h·d_k)", "w_q", "b_q", &Scenario::w_q, &Scenario::b_q, s.d_k, 0, s.d_k},
      {"W_K  (d_model × h·d_k)", "w_k", "b_k", &Scenario::w_k, &Scenario::b_k, s.d_k, 0, s.d_k},
      {"W_V  (d_model × h·d_v)", "w_v", "b_v", &Scenario::w_v, &Scenario::b_v, s.d_v, 0, s.d_v},
      {"W_O  (h·d_v × d_model)", "w_o", "b_o", &Scenario::w_o, &Scenario::b_o, 0, s.d_v, 0},
  };
  for (const Section& section : sections) {
    if (widget_rects().revealing(std::string(section.id) + "[") || widget_rects().revealing(std::string(section.bias_id) + "["))
      ImGui::SetNextItemOpen(true);
    const bool open = ImGui::TreeNode(section.title);
    widget_rects().record_last_item(std::string("section.") + section.id);
    if (!open) continue;
    apply_cell(state, section.weights,
               edit_grid({section.id, &(s.*section.weights), nullptr, section.column_block, section.row_block}));
    apply_bias(state, section.bias, edit_vector(section.bias_id, s.*section.bias, section.bias_block));
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
  ImGui::TextDisabled("× %s", format_precise(state.trace().scale).c_str());
}

void draw_mask(AppState& state) {
  const Scenario& s = state.scenario();
  const core::MaskSpec& m = s.mask;
  int current = 0;
  if (m.allow && m.causal == core::CausalAlign::none && !m.key_valid) current = 5;
  else if (m.key_valid && m.causal == core::CausalAlign::none && !m.allow) current = 4;
  else if (m.window > 0) current = 3;
  else if (m.causal == core::CausalAlign::bottom_right) current = 2;
  else if (m.causal == core::CausalAlign::top_left) current = 1;
  if (!m.is_none() && (m.allow || m.key_valid) && m.causal != core::CausalAlign::none) current = 6;
  const std::vector<std::string> options = {"none", "causal", "causal (bottom-right)", "window", "key padding", "custom (paint)", "combined"};
  if (auto c = choose("mask", "mask", options, current)) {
    Scenario next = s;
    next.mask = core::MaskSpec{};
    switch (*c) {
      case 1: next.mask.causal = core::CausalAlign::top_left; break;
      case 2: next.mask.causal = core::CausalAlign::bottom_right; break;
      case 3: next.mask.causal = core::CausalAlign::top_left; next.mask.window = 2; break;
      case 4: next.mask.key_valid = std::vector<std::uint8_t>(static_cast<std::size_t>(s.m()), 1); next.mask.key_valid->back() = 0; break;
      case 5: next.mask.allow = core::AllowMatrix::Ones(s.n(), s.m()); break;
      case 6: next.mask = s.mask; break;
      default: break;
    }
    state.propose(std::move(next));
  }
  if (m.window > 0) {
    ImGui::SameLine();
    if (auto w = stepper(state, "mask.window", "window w", m.window, 1, core::limits::max_tokens)) {
      Scenario next = s;
      next.mask.window = *w;
      state.propose(std::move(next));
    }
  }
  if (m.key_valid) {
    ImGui::TextUnformatted("valid keys:");
    for (int j = 0; j < s.m(); ++j) {
      ImGui::SameLine();
      bool valid = (*m.key_valid)[static_cast<std::size_t>(j)] != 0;
      ImGui::PushID(j);
      if (ImGui::Checkbox("##valid", &valid)) {
        Scenario next = s;
        (*next.mask.key_valid)[static_cast<std::size_t>(j)] = valid ? 1 : 0;
        state.propose(std::move(next));
      }
      widget_rects().record_last_item("mask.key_valid[" + std::to_string(j) + "]");
      ImGui::PopID();
    }
  }
}

void draw_positional(AppState& state) {
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
    const std::optional<CellEdit> e = edit_grid({"positional.learned", &s.positional.learned, nullptr, 0, 0});
    if (e) {
      Scenario next = s;
      next.positional.learned(e->row, e->col) = e->value;
      state.propose(std::move(next), e->merge);
    }
    ImGui::TreePop();
  }
}

void draw_context(AppState& state) {
  const Scenario& s = state.scenario();
  bool cross = s.context.has_value();
  if (ImGui::Checkbox("cross-attention (keys and values from a second sequence)", &cross))
    state.propose(core::with_context_count(s, cross ? s.n() + 1 : 0));
  widget_rects().record_last_item("context");
  if (!s.context) return;
  if (auto m = stepper(state, "context.tokens", "context tokens M", s.m(), 1, 64)) state.propose(core::with_context_count(s, *m));
  const std::optional<CellEdit> e = edit_grid({"context.x", &s.context->x, &s.context->tokens, 0, 0});
  if (e) {
    Scenario next = s;
    next.context->x(e->row, e->col) = e->value;
    state.propose(std::move(next), e->merge);
  }
}

void draw_backend(AppState& state) {
  const auto names = state.backends();
  int current = 0;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == state.backend()) current = static_cast<int>(i);
  if (auto c = choose("backend", "backend", names, current)) state.set_backend(names[static_cast<std::size_t>(*c)]);
  // The time and the GPU's line (its kernel and time, or why it fell back), wrapped at the visible edge of the panel.
  const std::string& note = state.result().note;
  const std::string missing = state.backends_note();
  ImGui::PushTextWrapPos(ImGui::GetScrollX() + ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x -
                         ImGui::GetStyle().ScrollbarSize);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (state.pending())
    ImGui::TextWrapped("GPU result pending; showing the CPU reference meanwhile");
  else
    ImGui::TextWrapped("last recompute %.3f ms; largest |difference| from the reference %.2e", state.result().milliseconds,
                       state.result().max_diff_vs_reference);
  ImGui::PopStyleColor();
  if (!note.empty()) ImGui::TextUnformatted(note.c_str());
  if (!missing.empty() && note.find(missing) == std::string::npos) ImGui::TextDisabled("%s", missing.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void draw_editor_panel(AppState& state) {
  draw_presets(state);
  draw_backend(state);
  ImGui::Separator();
  draw_shape(state);
  ImGui::TextUnformatted("tokens");
  draw_tokens(state);
  const Scenario& s = state.scenario();
  ImGui::Text("x  (N × d_model = %d × %d)", s.n(), s.d_model());
  const std::optional<CellEdit> e = edit_grid({"x", &s.query.x, &s.query.tokens, 0, 0});
  if (e) {
    Scenario next = s;
    next.query.x(e->row, e->col) = e->value;
    state.propose(std::move(next), e->merge);
  }
  draw_context(state);
  ImGui::Separator();
  draw_scale(state);
  draw_mask(state);
  draw_positional(state);
  ImGui::Separator();
  draw_weights(state);
}

}  // namespace ap::ui
