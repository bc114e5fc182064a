// Tour steps: which preset, which view, which widget to look at (outlined on screen), what to look at, and where a
// step asks for a change, how it notices that the learner made it. The numbers each step quotes are the presets'
// (core/presets.cpp, checked in tests/core/presets_test.cpp).
#include "ui/tour.hpp"

#include <string>

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
  tile,     // a step forward in the Cost view's walk
  train,    // the training lab's main run has taken a step
  race,     // the scaling race has started
};

struct Step {
  const char* preset;  // null: the scenario on screen stays
  const char* view;
  const char* target;  // widget id outlined while the step is open
  const char* text;
  Ask ask = Ask::nothing;
  const char* noticed = "";  // said once the asked change was made
  const char* section = "";  // the Variants tab's own tab to bring forward ("gqa", …), or none
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
    {"cat_sat", "view.positional", "positional",
     "Attention itself has no notion of order: nothing in x says which token came first. Choose sinusoidal (or RoPE) "
     "in the outlined positional menu: the Positions view then shows the matrix added to x (or, for RoPE, how a "
     "score comes to depend only on the offset between q and k).",
     Ask::edit, "Positions are on: the same tokens in another order now give other outputs, as the next step shows."},
    {"animal_it", "view.shuffle", "view.shuffle.again",
     "Attention has no notion of order: shuffle the tokens and, without positions, each output row just moves with its "
     "token (difference 0). With positions the numbers change. Press Shuffle again.",
     Ask::shuffle, "Shuffled again: still 0 without positions, not 0 with them."},
    {"animal_it", "view.uniform", "view.uniform.difference",
     "Why not just average? Uniform weights give every row the same output here; the outlined difference is what "
     "the learned weights add. Attention weights show where a head looked, not why: they are not explanations."},
    {"large", "view.scaling", "view.scaling.sweep",
     "Why divide by √d_k? For random q, k the variance of q·k grows like d_k: unscaled, the softmax saturates "
     "(one weight near 1) and its Jacobian ‖diag(p) − ppᵀ‖, the softmax's own sensitivity, collapses. Scaled, both "
     "stay healthy. Whether the weights' gradient then vanishes is another matter: the Training lab's race, two steps on, "
     "runs it."},
    {nullptr, "view.training", "training.reset",
     "Here the heads are learned, not hand-set: a 2-layer attention-only transformer (2 heads a layer) trains on "
     "this machine to do induction, [A][B] … [A] → [B]. Press Start, then Train: loss and held-out accuracy are "
     "drawn live and each head's weights on a held-out sequence sharpen; click a head to ablate it and watch the "
     "loss jump.",
     Ask::train, "It is training: the loss falls while the frames keep coming. Pause it whenever you like."},
    {nullptr, "view.training", "training.race",
     "The case for 1/√d_k, run rather than told: the race trains the same task and seed four times, scaled and "
     "unscaled, at d_k = 16 and 256. At the start it is as the textbook says: scaled, the softmax is equally soft at "
     "both widths (entropy 1.49 and 1.53 nats); unscaled, it is near one-hot at d_k = 256 (0.10). But the gradient "
     "reaching W_Q does not vanish, it grows: 7.93 against 3.04 at d_k = 16, 14.9 against 1.63 at d_k = 256. The "
     "unscaled runs still fail (one key takes the weight, so the gradient is large but not useful), and at the "
     "default learning rate, 1e-2, the scaled d_k = 256 run collapses too: 1/√d_k fixes the initial scale, not Adam's steps "
     "(docs/scaling-experiment.md). Press the outlined button.",
     Ask::race, "The four runs are racing: watch the entropy chart split by scale and width."},
    {"large", "view.cost", "view.cost.time",
     "What N² costs: every query meets every key, so doubling N quadruples the work. The outlined chart is measured "
     "now, on this machine, for each backend. At N = 65,536 the scores of one head are 16 GiB in float, while the "
     "tiled kernel holds one 96 × 256 block (97 KiB) and K, V packed (32 MiB at d_k = 64): memory like N, not N²."},
    {"large", "view.cost", "view.cost.next",
     "FlashAttention's walk, recorded from the tiled kernel as it ran: 32 tiles of 2 rows × 4 keys over this head, "
     "12 of them skipped (the causal mask closes them). Press Next: each tile updates its rows' running max m and "
     "sum l; where a later block holds a larger score, m rises and what was summed is scaled down by the rescale "
     "e^(m_old − m_new). After the last one the weights e^(x − m) / l are the softmax.",
     Ask::tile, "One tile on: the table shows the rows' m and l before and after it."},
    {"gqa", "view.variants", "view.gqa.memory",
     "Grouped-query attention: 4 query heads share 2 K/V heads (heads 0–1 read K/V head 0, heads 2–3 K/V head 1). "
     "The outlined table: W_K, W_V and the KV cache are half the size, 50 % saved, for the same query heads.",
     Ask::nothing, "", "gqa"},
    {"alibi", "view.variants", "view.alibi.slopes",
     "ALiBi adds −m·distance to each score instead of a positional encoding. The slopes are 1/4, 1/16, 1/64 and "
     "1/256: the outlined table shows how far back each head then looks, with and without the bias.",
     Ask::nothing, "", "alibi"},
    {"softcap", "view.variants", "view.softcap.row",
     "Soft-capping at c = 5 turns a scaled score x into 5·tanh(x / 5): this row's 9 and 14 become 4.73 and 4.96, "
     "so the key scored 14 gets 46 % instead of more than 99 %. Slide the outlined row to see others.",
     Ask::nothing, "", "softcap"},
    {"sinks", "view.variants", "view.sinks.mass[3]",
     "An attention sink is a logit with no value behind it. \"fell\" (outlined) has no animate subject before it and "
     "parks 83 % of head 0's weight on the sink instead of spreading it over the sentence; \"ran\" finds \"cat\" "
     "and leaves the sink almost nothing.",
     Ask::nothing, "", "sinks"},
    {"fp16_overflow", "view.precision", "view.precision.apply_fold",
     "In fp16 the largest number is 65504: these unscaled scores pass it, become +∞, and their softmax rows are "
     "NaN. Multiplying by 1/√d_k after the product comes too late. Press the outlined button: folding 1/√d_k into "
     "W_Q and W_K keeps every score finite.",
     Ask::edit, "Folded: the same layer, and nothing overflows in fp16 any more."},
    {"cat_sat", "view.decode", "view.decode.step",
     "Generating text one token at a time, a model keeps every past token's K and V: the KV cache. Press step: each "
     "new token is projected once and computes one row per head against the cache, O(t·d) instead of O(t²·d) for "
     "recomputing every row, and each row equals the full computation's."},
    {"random", "view.pipeline", "view.stage",
     "The whole pipeline, stage by stage, with every shape. Click a stage to see its matrix; pick a head above."},
};
constexpr int step_count = static_cast<int>(sizeof steps / sizeof steps[0]);

void go_to(AppState& state, ViewState& view, int step) {
  view.tour_step = step;
  if (steps[step].preset) load_preset(state, view, steps[step].preset);
  view.select_tab = steps[step].view;
  if (*steps[step].section) view.variants.select = steps[step].section;
  view.query_row = -1;  // the scaling lab picks the row with the most keys
  view.tour_start_seed = view.shuffle.seed;
  view.tour_start_head = view.head;
}

bool noticed(const AppState& state, const ViewState& view, Ask ask) {
  switch (ask) {
    case Ask::edit: return state.scenario_revision() != view.editor.preset_revision;
    case Ask::shuffle: return view.shuffle.seed != view.tour_start_seed;
    case Ask::head: return view.head != view.tour_start_head;
    case Ask::tile: return view.cost_view.walk && view.cost_view.step > 0;
    case Ask::train: return view.training && view.training->main_run() && view.training->main_run()->step > 0;
    case Ask::race: return view.training && !view.training->race().empty();
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
  widget_rects().record(std::string("tour.outlines:") + target, min, max);  // which widget (the browser walk checks it)
}

}  // namespace

void start_tour(AppState& state, ViewState& view) { go_to(state, view, 0); }

const char* tour_target(int step) { return step >= 0 && step < step_count ? steps[step].target : ""; }
const char* tour_text(int step) { return step >= 0 && step < step_count ? steps[step].text : ""; }
const char* tour_preset(int step) { return step >= 0 && step < step_count && steps[step].preset ? steps[step].preset : ""; }
int tour_length() { return step_count; }

void draw_tour(AppState& state, ViewState& view) {
  if (view.tour_step < 0) return;
  const Step& step = steps[view.tour_step];
  outline(step.target);
  const float font = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // anchored by its bottom-right corner, so a long step grows upwards and its buttons stay on screen
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - font, vp->WorkPos.y + vp->WorkSize.y - font),
                          ImGuiCond_Always, ImVec2(1, 1));
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
