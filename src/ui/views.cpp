// The tab bar that hosts the views; each tab's button is widget `view.<name>`.
#include "ui/views.hpp"

#include <algorithm>
#include <string>

#include <imgui.h>

#include "core/number_text.hpp"
#include "ui/nonfinite_note.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

void head_selector(const AppState& state, ViewState& view) {
  const int heads = state.scenario().heads;
  view.head = std::clamp(view.head, 0, heads - 1);
  if (heads == 1) return;
  if (heads > 16) {  // GPT-3 has 96: a slider, not 96 buttons in a row
    ImGui::SetNextItemWidth(14 * ImGui::GetFontSize());
    ImGui::SliderInt("head##headslider", &view.head, 0, heads - 1, "head %d");
    widget_rects().record_last_item("view.head");
    return;
  }
  ImGui::TextUnformatted("head");
  for (int h = 0; h < heads; ++h) {
    ImGui::SameLine();
    const std::string label = std::to_string(h) + "##headsel";
    if (ImGui::RadioButton(label.c_str(), view.head == h)) view.head = h;
    widget_rects().record_last_item("view.head[" + std::to_string(h) + "]");
  }
}

namespace {

// "range: auto" or what the user set, for the button that opens the range popup.
std::string range_label(const core::ColorScaleSettings& c) {
  std::string label;
  if (c.user_signed) label += "signed " + core::number_text(c.signed_lo) + " to " + core::number_text(c.signed_hi);
  if (c.user_weights) label += std::string(label.empty() ? "" : ", ") + "weights 0 to " + core::number_text(c.weights_max);
  return "range: " + (label.empty() ? std::string("auto") : label) + "…";
}

// One number of the range: editing it turns that kind's set range on.
void range_field(const char* label, const char* id, double& value, bool& user_range) {
  ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
  if (ImGui::InputDouble(label, &value, 0, 0, "%.6g")) user_range = true;
  widget_rects().record_last_item(id);
}

// The range every map of a kind draws (core/color_scale owns the mapping): a field edited turns the set range on,
// "auto" turns it off again; a range that is not one says so and is not used.
void draw_range_controls(core::ColorScaleSettings& colors) {
  if (ImGui::SmallButton((range_label(colors) + "###colors.range").c_str())) ImGui::OpenPopup("colour range");
  widget_rects().record_last_item("colors.range");
  if (!ImGui::BeginPopup("colour range")) return;
  ImGui::TextUnformatted("Signed values (scores, Q, K, V, outputs): zero stays the middle colour");
  bool auto_signed = !colors.user_signed;
  if (ImGui::Checkbox("auto: ±max |v| of each matrix##signed", &auto_signed)) colors.user_signed = !auto_signed;
  widget_rects().record_last_item("colors.signed_auto");
  range_field("min##signed_lo", "colors.signed_lo", colors.signed_lo, colors.user_signed);
  ImGui::SameLine();
  range_field("max##signed_hi", "colors.signed_hi", colors.signed_hi, colors.user_signed);
  ImGui::Separator();
  ImGui::TextUnformatted("Weights (softmax outputs): 0 to max");
  bool auto_weights = !colors.user_weights;
  if (ImGui::Checkbox("auto: fixed 0 to 1 (or per matrix)##weights", &auto_weights)) colors.user_weights = !auto_weights;
  widget_rects().record_last_item("colors.weights_auto");
  range_field("max##weights_max", "colors.weights_max", colors.weights_max, colors.user_weights);
  const std::string problem = core::user_range_problem(colors);
  if (!problem.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.3f, 1.0f), "%s", problem.c_str());
    widget_rects().record_last_item("colors.range_problem");
  }
  ImGui::TextDisabled("Every legend states the range it draws; values beyond it take the end colour.");
  ImGui::EndPopup();
}

// One line above the tabs: the palette and the weights' scale, for every heatmap.
void draw_color_controls(core::ColorScaleSettings& colors) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("colours");
  ImGui::SameLine();
  int palette = static_cast<int>(colors.palette);
  ImGui::SetNextItemWidth(15 * ImGui::GetFontSize());
  if (ImGui::Combo("##palette", &palette, "red–blue (RdBu, Blues)\0colour-blind safe (PuOr, viridis)\0"))
    colors.palette = static_cast<core::Palette>(palette);
  widget_rects().record_last_item("colors.palette");
  ImGui::SameLine();
  ImGui::Checkbox("weights per matrix", &colors.weights_per_matrix);
  widget_rects().record_last_item("colors.per_matrix");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Off: weights are coloured on a fixed 0 to 1 scale, so a near-uniform row stays pale.\n"
                      "On: each weights map spans 0 to its own largest weight. Signed values span ±max |v| unless\n"
                      "you set their range (range…).");
  ImGui::SameLine();
  draw_range_controls(colors);
}

}  // namespace

void draw_views(AppState& state, ViewState& view) {
  struct Tab {
    const char* title;
    const char* id;
    void (*draw)(AppState&, ViewState&);
    bool needs_trace = true;  // drawn from the trace of the scenario on screen
  };
  static const Tab tabs[] = {
      {"Scores & weights", "view.scores", draw_attention_view}, {"Pipeline", "view.pipeline", draw_pipeline_view},
      {"Heads", "view.heads", draw_heads_view},
      {"Head view", "view.headview", draw_head_lines_view},
      {"Step through", "view.steps", draw_steps_view},
      {"Scaling lab", "view.scaling", draw_scaling_view},
      {"Geometry", "view.geometry", draw_geometry_view},    {"Masks", "view.mask", draw_mask_view},
      {"Positions", "view.positional", draw_positional_view},
      {"Order", "view.shuffle", draw_shuffle_view},
      {"Average baseline", "view.uniform", draw_uniform_view},
      {"Cost", "view.cost", draw_cost_view},
      {"Variants", "view.variants", draw_variants_view},
      {"Precision", "view.precision", draw_precision_view},
      {"KV cache", "view.decode", draw_decode_view},
      {"Training lab", "view.training", draw_training_view, false},
  };
  view.heatmaps.revision = state.revision();
  view.heatmaps.begin_frame();
  view.head = std::clamp(view.head, 0, state.scenario().heads - 1);
  state.set_shown_heads({view.head});
  draw_color_controls(view.heatmaps.colors);
  if (!ImGui::BeginTabBar("views")) return;
  for (const Tab& tab : tabs) {
    const bool select = view.select_tab == tab.id;
    const bool open = ImGui::BeginTabItem(tab.title, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0);
    if (select) view.select_tab.clear();
    widget_rects().record_last_item(tab.id);
    if (std::string(tab.id) == "view.scores") widget_rects().record_last_item("view.weights");
    if (!open) continue;
    view.current_tab = tab.id;
    ImGui::BeginChild(tab.id, ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    const ImVec2 area = ImGui::GetWindowPos();  // the whole view, for "PNG of this view"
    widget_rects().record("view.area", area, ImVec2(area.x + ImGui::GetWindowWidth(), area.y + ImGui::GetWindowHeight()));
    if (!tab.needs_trace || (state.trace_fits() && state.head_recorded(view.head))) {
      if (tab.needs_trace) draw_trace_nonfinite_note(state, view.variants);  // every view of the trace explains its ±inf and NaN cells
      tab.draw(state, view);
    } else {  // the new shape's first result (or the shown head's matrices) is still being computed
      ImGui::TextDisabled(state.cancelled() ? "Cancelled before the first result for this shape: press compute below."
                                            : "Computing this layer: %.0f %%", 100 * state.progress());
    }
    ImGui::EndChild();
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace ap::ui
