// Tour steps: which preset, which view, what to look at.
#include "ui/tour.hpp"

#include <imgui.h>

#include "core/presets.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

struct Step {
  const char* preset;
  const char* view;
  const char* text;
};

const Step steps[] = {
    {"classic", "view.scores",
     "Two tokens, x = [[1,0],[0,1]], identity weights. Each score is a dot product q·k: a token is most similar to "
     "itself. Hover any score to see its terms. Click a cell of x on the left and type a number: everything recomputes."},
    {"orthogonal", "view.geometry",
     "A dot product measures alignment. q = [1,0] against k = [0,1] scores 0 (orthogonal); against k = [1,0] it scores 1. "
     "Drag an arrow tip and watch the score and the weights follow."},
    {"one_query", "view.scores",
     "One query against three keys, no scaling: the scores 1, 0.5, −1 become weights by the softmax, "
     "exp(s) / Σ exp(s). The output is the weighted sum of the values."},
    {"cat_sat", "view.mask",
     "\"The cat sat on the mat\" under a causal mask: a token may only look back. Grey cells are masked "
     "(−∞ before the softmax, weight 0)."},
    {"cat_sat", "view.heads",
     "Two heads, two relations: in head 0 the verb looks for nouns, in head 1 nouns look back at their determiner. "
     "Their outputs are concatenated and mixed by W_O."},
    {"animal_it", "view.scores",
     "\"The animal didn't cross the street because it was too tired\": a hand-built head where the pronoun \"it\" "
     "puts most of its weight on \"animal\". Open W_Q and W_K to see how."},
    {"large", "view.scaling",
     "Why divide by √d_k? For random q, k the variance of q·k grows like d_k: unscaled, the softmax saturates "
     "(one weight near 1) and its Jacobian, the gradient that flows back, vanishes. Scaled, both stay healthy."},
    {"random", "view.pipeline",
     "The whole pipeline, stage by stage, with every shape. Click a stage to see its matrix; pick a head above."},
};
constexpr int step_count = static_cast<int>(sizeof steps / sizeof steps[0]);

void go_to(AppState& state, ViewState& view, int step) {
  view.tour_step = step;
  state.propose(core::make_preset(steps[step].preset));
  view.select_tab = steps[step].view;
  view.query_row = -1;  // the scaling lab picks the row with the most keys
}

}  // namespace

void start_tour(AppState& state, ViewState& view) { go_to(state, view, 0); }

void draw_tour(AppState& state, ViewState& view) {
  if (view.tour_step < 0) return;
  const float font = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 30 * font, vp->WorkPos.y + vp->WorkSize.y - 14 * font),
                          ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(29 * font, 0));
  ImGui::Begin("Guided tour", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("Step %d of %d", view.tour_step + 1, step_count);
  ImGui::TextWrapped("%s", steps[view.tour_step].text);
  if (view.tour_step > 0) {
    if (ImGui::Button("Back")) go_to(state, view, view.tour_step - 1);
    widget_rects().record_last_item("tour.back");
    ImGui::SameLine();
  }
  if (view.tour_step + 1 < step_count) {
    if (ImGui::Button("Next")) go_to(state, view, view.tour_step + 1);
    widget_rects().record_last_item("tour.next");
    ImGui::SameLine();
  }
  if (ImGui::Button("Close")) view.tour_step = -1;
  widget_rects().record_last_item("tour.close");
  ImGui::End();
}

}  // namespace ap::ui
