// The mask fill on a fully masked row: the same row computed with −∞ (no key: zero weights, zero output) and with
// −1e9 (uniform weights over every key, the masked future included: the classic bug), two traces side by side.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <imgui.h>

#include "core/variant_views.hpp"
#include "ui/format.hpp"
#include "ui/side_traces.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

void row_panel(const char* id, const char* title, const core::Scenario& s, const SideTrace& side, int head, int row, float width) {
  ImGui::BeginChild(id, ImVec2(width, 0), true);
  ImGui::TextUnformatted(title);
  widget_rects().record_last_item(std::string(id + 2) + ".title");  // "##fill_inf" → "fill_inf.title"
  if (!side.trace) {
    note(side.note.c_str());
    ImGui::EndChild();
    return;
  }
  const core::Trace& t = *side.trace;
  const auto& ht = t.heads[static_cast<std::size_t>(head)];
  const bool empty = std::find(t.empty_rows.begin(), t.empty_rows.end(), row) != t.empty_rows.end();
  ImGui::TextDisabled(empty ? "an empty row: zero weights, zero output" : "a softmax over the fills: uniform weights");
  ImGui::Text("weights of row %d (%s):", row, s.query.tokens[static_cast<std::size_t>(row)].c_str());
  const int shown = std::min(s.m(), 32);
  for (int j = 0; j < shown; ++j) {
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%s  %s  (masked)", s.keys().tokens[static_cast<std::size_t>(j)].c_str(),
                  format_cell(ht.weights(row, j)).c_str());
    const double w = ht.weights(row, j);  // NaN where the row overflowed (format_cell prints it)
    ImGui::ProgressBar(std::isfinite(w) ? static_cast<float>(w) : 0.0f, ImVec2(-1, 0), overlay);
  }
  if (s.m() > shown) ImGui::TextDisabled("… %d more keys", s.m() - shown);
  std::string out;
  for (Eigen::Index c = 0; c < std::min<Eigen::Index>(t.output.cols(), 8); ++c)
    out += (c ? ", " : "") + format_cell(t.output(row, c));
  text_wrapped_visible("output row: [%s%s]", out.c_str(), t.output.cols() > 8 ? ", …" : "");
  ImGui::EndChild();
}

}  // namespace

void draw_mask_fill_section(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  const std::vector<int> rows = core::fully_masked_rows(t.allowed);
  text_wrapped_visible("mask_fill is what a masked score becomes before the softmax. This scenario uses %s.",
                     s.variants.mask_fill && *s.variants.mask_fill != -std::numeric_limits<double>::infinity()
                         ? format_precise(*s.variants.mask_fill).c_str() : "-inf");
  if (rows.empty()) {
    note("No query row here is fully masked, so the fill changes nothing. A row with no allowed key (a padded query "
         "under a key-padding mask) is where -inf and -1e9 part ways; the mask_fill preset has one.");
    if (ImGui::Button("load the mask_fill preset")) load_preset(state, view, "mask_fill");
    widget_rects().record_last_item("view.mask_fill.preset");
    return;
  }
  int& row = view.variants.mask_fill_row;
  if (std::find(rows.begin(), rows.end(), row) == rows.end()) row = rows.front();
  if (rows.size() > 1) {
    std::vector<std::string> names;
    int current = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      names.push_back(std::to_string(rows[k]) + " " + s.query.tokens[static_cast<std::size_t>(rows[k])]);
      if (rows[k] == row) current = static_cast<int>(k);
    }
    if (auto c = choose("view.mask_fill.row", "fully masked row", names, current)) row = rows[static_cast<std::size_t>(*c)];
  }
  head_selector(state, view);
  text_wrapped_visible("Row %d (%s) may attend no key. With -inf every logit of the row is -inf: there is nothing to "
                     "normalize, and the row is empty (zeros, never NaN). With -1e9 every logit is the same finite "
                     "number, so the softmax spreads the weight evenly over every key, the masked future and padding "
                     "included, and the output row becomes the mean of V: garbage at a padded position, a classic bug.",
                     row, s.query.tokens[static_cast<std::size_t>(row)].c_str());
  const SideTrace minus_inf = side_trace(view.variants.side, state, "fill.-inf", [](core::Scenario& v) { v.variants.mask_fill.reset(); });
  const SideTrace finite = side_trace(view.variants.side, state, "fill.-1e9", [](core::Scenario& v) { v.variants.mask_fill = -1e9; });
  const float half = (ImGui::GetContentRegionAvail().x - 10) / 2;
  row_panel("##fill_inf", "mask_fill = -inf", s, minus_inf, view.head, row, half);
  ImGui::SameLine();
  row_panel("##fill_1e9", "mask_fill = -1e9", s, finite, view.head, row, half);
}

}  // namespace ap::ui
