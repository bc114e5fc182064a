// Layout of the playground window and keyboard shortcuts (Ctrl+Z / Ctrl+Shift+Z).
#include "ui/playground.hpp"

#include <imgui.h>

#include "ui/editor_panel.hpp"
#include "ui/exchange.hpp"
#include "ui/file_bar.hpp"
#include "ui/imports.hpp"
#include "ui/tour.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

void apply_style(float ui_scale) {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.ScaleAllSizes(ui_scale);
}

namespace {

void handle_shortcuts(AppState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // inside a text field, Ctrl+Z belongs to the field
  // No key repeat: a held Ctrl+Z on a slow frame must not undo several edits at once.
  if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z), false)) {
    if (io.KeyShift) state.redo();
    else state.undo();
  }
}

void draw_status(AppState& state) {
  if (const auto& error = state.last_error()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.35f, 1.0f));
    ImGui::TextWrapped("Not applied: %s  (your scenario is unchanged)", error->what().c_str());
    ImGui::PopStyleColor();
    widget_rects().record_last_item("status.error");
    ImGui::SameLine();
    if (ImGui::SmallButton("dismiss")) state.clear_error();
  } else if (const Exchange& ex = exchange(); !ex.notice.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ex.notice_is_error ? ImVec4(1.0f, 0.45f, 0.35f, 1.0f) : ImVec4(0.55f, 0.85f, 0.55f, 1.0f));
    ImGui::TextWrapped("%s", ex.notice.c_str());
    ImGui::PopStyleColor();
    widget_rects().record_last_item("status.notice");
    ImGui::SameLine();
    if (ImGui::SmallButton("ok")) exchange().notice.clear();
  } else {
    const auto& s = state.scenario();
    ImGui::TextDisabled("N = %d, M = %d, d_model = %d, h = %d, d_k = %d, d_v = %d   backend %s: %.1f ms   undo: %zu",
                        s.n(), s.m(), s.d_model(), s.heads, s.d_k, s.d_v, state.backend().c_str(),
                        state.result().milliseconds, state.undo_depth());
  }
  if (state.computing()) {  // progress and a way out, on the same line
    ImGui::SameLine();
    ImGui::ProgressBar(static_cast<float>(state.progress()), ImVec2(10 * ImGui::GetFontSize(), 0), "computing");
    ImGui::SameLine();
    if (ImGui::SmallButton("cancel")) state.cancel_compute();
    widget_rects().record_last_item("compute.cancel");
  } else if (state.cancelled()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.3f, 1.0f), "cancelled: the views show an older result");
    ImGui::SameLine();
    if (ImGui::SmallButton("compute")) state.recompute();
    widget_rects().record_last_item("compute.restart");
  }
}

}  // namespace

void draw_playground(AppState& state, ViewState& view) {
  widget_rects().begin_frame();
  apply_arrivals(state, exchange(), view.npy_target, view.editor.grids.focused);
  handle_shortcuts(state);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("Attention Playground", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  const float status_h = ImGui::GetFrameHeightWithSpacing() * 1.6f;
  const float editor_w = std::max(ImGui::GetContentRegionAvail().x * 0.36f, 22 * ImGui::GetFontSize());
  ImGui::BeginChild("editor", ImVec2(editor_w, -status_h), true, ImGuiWindowFlags_HorizontalScrollbar);
  const bool first_screen = view.tour_step < 0 && state.undo_depth() == 0 && view.editor.preset == "classic";
  if (ImGui::Button(first_screen ? "Guided tour: start here###tour" : "Guided tour###tour")) start_tour(state, view);
  widget_rects().record_last_item("tour");
  ImGui::SameLine();
  draw_file_bar(state, view);
  ImGui::Separator();
  draw_editor_panel(state, view);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("views", ImVec2(0, -status_h), true);
  draw_views(state, view);
  ImGui::EndChild();
  draw_status(state);
  ImGui::End();
  draw_tour(state, view);
  widget_rects().end_frame();
}

}  // namespace ap::ui
