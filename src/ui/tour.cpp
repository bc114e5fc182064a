// Tour steps: which preset, which view, which widget to look at (outlined on screen), what to look at, and where a
// step asks for a change, how it notices that the learner made it. The numbers each step quotes are the presets'
// (core/presets.cpp, checked in tests/core/presets_test.cpp).
#include "ui/tour.hpp"

#include <imgui.h>

#include "core/presets.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

enum class Ask {
  nothing,
  edit,     // any change of the scenario
  shuffle,  // Shuffle again in the Order view
  head,     // another head chosen
};

struct Step {
  const char* preset;
  const char* view;
  const char* target;  // widget id outlined while the step is open
  const char* text;
  Ask ask = Ask::nothing;
  const char* noticed = "";  // said once the asked change was made
};

const Step steps[] = {
    {"classic", "view.scores", "cell.scores",
     "Two tokens, x = [[1,0],[0,1]], identity weights. Each score is a dot product q·k: a token is most similar to "
     "itself. Hover any score to see its terms. Now click a cell of x on the left and type a number.",
     Ask::edit, "You changed x: Q, K, V, every score and every weight after it were computed again."},
    {"orthogonal", "view.scores", "cell.weights[0][0]",
     "Q1 = [1, 0] against K2 = [0, 1]: orthogonal, the score is 0. Yet the outlined weight is 33 %, not 0: softmax "
     "turns a score of 0 into e^0 = 1 against e^0.71 for the aligned key. Only a mask (−∞) removes a key."},
    {"one_query", "view.scores", "cell.weights",
     "One query against three keys, no scaling: the scores 1, 0.5, −1 become weights by the softmax, "
     "exp(s) / Σ exp(s). The output is the weighted sum of the values."},
    {"animal_it", "view.scores", "cell.weights[7][1]",
     "\"The animal didn't cross the street because it was too tired\": the row of \"it\" puts 85 % on \"animal\" and "
     "5 % on \"tired\", with no mask. Open W_Q and W_K in the editor to see which features make it so."},
    {"animal_it_causal", "view.scores", "cell.weights[7][10]",
     "The same head under a causal mask, as a decoder-only model reads: \"tired\" comes after \"it\", so its weight "
     "is 0 and \"animal\" takes 92 %."},
    {"cat_sat", "view.mask", "mask",
     "\"The cat sat on the mat\" under a causal mask: a token may only look back. Grey cells are masked "
     "(−∞ before the softmax, weight 0). Choose another mask in the outlined menu.",
     Ask::edit, "The mask changed: the grey cells moved and every row's weights were normalised again."},
    {"cat_mat", "view.scores", "cell.scores[1][5]",
     "Q·Kᵀ is not symmetric: score(cat → mat) = 4 (outlined) but score(mat → cat) = 1, because W_Q and W_K differ. "
     "\"cat\" gives \"mat\" 60 %, \"mat\" gives \"cat\" 25 %."},
    {"mixing_heads", "view.heads", "view.heads[1]",
     "Two heads on \"The cat chased the mouse\": head 0 takes \"chased\" to its agent, head 1 (outlined) to its "
     "object. Their outputs are concatenated and W_O mixes them (open W_O in the editor): every output column reads "
     "both heads. Click head 1's weights to make it the head the other views show.",
     Ask::head, "Head 1 is now on screen in every view: another relation, from the same tokens."},
    {"translation", "view.scores", "cell.weights",
     "Cross-attention: the decoder's \"le chat noir\" (N = 3) queries the encoder's \"the black cat sleeps\" (M = 4). "
     "chat finds cat and noir finds black: the weights cross where the word order does."},
    {"animal_it", "view.shuffle", "view.shuffle.again",
     "Attention has no notion of order: shuffle the tokens and, without positions, each output row just moves with its "
     "token (difference 0). With positions the numbers change. Press Shuffle again.",
     Ask::shuffle, "Shuffled again: still 0 without positions, not 0 with them."},
    {"animal_it", "view.uniform", "view.uniform.difference",
     "Why not just average? Uniform weights give every row the same output here; the outlined difference is what "
     "the learned weights add. Attention weights show where a head looked, not why: they are not explanations."},
    {"large", "view.scaling", "view.scaling.sweep",
     "Why divide by √d_k? For random q, k the variance of q·k grows like d_k: unscaled, the softmax saturates "
     "(one weight near 1) and its Jacobian, the gradient that flows back, vanishes. Scaled, both stay healthy."},
    {"random", "view.pipeline", "view.stage",
     "The whole pipeline, stage by stage, with every shape. Click a stage to see its matrix; pick a head above."},
};
constexpr int step_count = static_cast<int>(sizeof steps / sizeof steps[0]);

void go_to(AppState& state, ViewState& view, int step) {
  view.tour_step = step;
  load_preset(state, view, steps[step].preset);
  view.select_tab = steps[step].view;
  view.query_row = -1;  // the scaling lab picks the row with the most keys
  view.tour_start_seed = view.shuffle.seed;
  view.tour_start_head = view.head;
}

bool noticed(const AppState& state, const ViewState& view, Ask ask) {
  switch (ask) {
    case Ask::edit: return state.scenario_revision() != view.editor.preset_revision;
    case Ask::shuffle: return view.shuffle.seed != view.tour_start_seed;
    case Ask::head: return view.head != view.tour_start_head;
    case Ask::nothing: break;
  }
  return false;
}

// The outline around the step's widget (as drawn last frame), on top of everything.
void outline(const char* target) {
  const auto r = widget_rects().find(target);
  if (!r) {  // off screen or mostly so (below its view's fold): scrolled into view, as widgetRect does
    widget_rects().request_reveal(target);
    return;
  }
  if (widget_rects().reveal() == target) widget_rects().request_reveal("");  // it is in view: the user scrolls again
  const ImVec2 min(r->x - 3, r->y - 3), max(r->x + r->w + 3, r->y + r->h + 3);
  const float pulse = 0.6f + 0.4f * static_cast<float>(ImGui::GetTime() - static_cast<int>(ImGui::GetTime()));
  ImGui::GetForegroundDrawList()->AddRect(min, max, ImGui::GetColorU32(ImVec4(1, 0.8f, 0.2f, pulse)), 4, 0, 3);
  widget_rects().record("tour.target", min, max);
}

}  // namespace

void start_tour(AppState& state, ViewState& view) { go_to(state, view, 0); }

const char* tour_target(int step) { return step >= 0 && step < step_count ? steps[step].target : ""; }
int tour_length() { return step_count; }

void draw_tour(AppState& state, ViewState& view) {
  if (view.tour_step < 0) return;
  const Step& step = steps[view.tour_step];
  outline(step.target);
  const float font = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 30 * font, vp->WorkPos.y + vp->WorkSize.y - 14 * font),
                          ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(29 * font, 0));
  ImGui::Begin("Guided tour", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("Step %d of %d", view.tour_step + 1, step_count);
  ImGui::TextWrapped("%s", step.text);
  if (step.ask != Ask::nothing && noticed(state, view, step.ask)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.5f, 0.9f, 0.5f, 1));
    ImGui::TextWrapped("Done. %s", step.noticed);
    ImGui::PopStyleColor();
    widget_rects().record_last_item("tour.noticed");
  }
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
