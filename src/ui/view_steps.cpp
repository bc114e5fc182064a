// Step through one output row: the stages of core/row_walk (q_i, scores, scale, score mods, mask, exp and Σ exp,
// softmax, mix, head output, concat, W_O) one at a time, forward and back, or played at the learner's pace, with the
// cells of each stage outlined on the matrices it involves and its numbers beside them. Draws only: every number
// is the walk's, which are the trace's.
#include <algorithm>
#include <cstdio>
#include <limits>

#include <imgui.h>

#include "core/explain.hpp"
#include "core/number_text.hpp"
#include "ui/explain_tooltip.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

constexpr int vector_numbers_shown = 16;  // of a vector stage's numbers; the heatmap shows all

// One matrix a stage involves, as a heatmap.
struct StageMatrix {
  const core::Matrix* values = nullptr;
  const std::vector<std::string>* rows = nullptr;
  const std::vector<std::string>* cols = nullptr;
  const core::AllowMatrix* allowed = nullptr;
  ColorMap map = ColorMap::diverging;
  std::string title;
  bool rows_are_queries = false;  // a click on a row walks that row
};

StageMatrix stage_matrix(const core::Scenario& s, const core::Trace& t, int head, const std::string& name) {
  const core::HeadTrace& h = t.heads[static_cast<std::size_t>(head)];
  const auto* qt = &s.query.tokens;
  const auto* kt = &s.keys().tokens;
  const std::string hd = " (head " + std::to_string(head) + ")";
  if (name == "q") return {&h.q, qt, nullptr, nullptr, ColorMap::diverging, "Q" + hd, true};
  if (name == "k") return {&h.k, kt, nullptr, nullptr, ColorMap::diverging, "K" + hd, false};
  if (name == "v") return {&h.v, kt, nullptr, nullptr, ColorMap::diverging, "V" + hd, false};
  if (name == "scores") return {&h.scores, qt, kt, nullptr, ColorMap::diverging, "scores Q·Kᵀ", true};
  if (name == "scaled") return {&h.scaled, qt, kt, &t.allowed, ColorMap::diverging, "scaled, masked", true};
  if (name == "weights") return {&h.weights, qt, kt, &t.allowed, ColorMap::sequential, "softmax weights", true};
  if (name == "out") return {&h.output, qt, nullptr, nullptr, ColorMap::diverging, "head output" + hd, true};
  if (name == "concat") return {&t.concat, qt, nullptr, nullptr, ColorMap::diverging, "concat of heads", true};
  if (name == "w_o") return {&s.w_o, nullptr, nullptr, nullptr, ColorMap::diverging, "W_O", false};
  return {&t.output, qt, nullptr, nullptr, ColorMap::diverging, "layer output", true};
}

// The explain(id) of a cell of `name` (none for concat and W_O, which are inputs here).
std::string explain_id(const std::string& name, int head, int i, int j) {
  if (name == "q" || name == "k" || name == "v") return cell_id(name.c_str(), head, i, j);
  if (name == "scores" || name == "scaled") return cell_id("scores", head, i, j);
  if (name == "weights") return cell_id("weights", head, i, j);
  if (name == "out") return cell_id("out", head, i, j);
  if (name == "output") return cell_id("output", i, j);
  return "";
}

// The column header of a per-key stage in the table.
const char* column_name(core::WalkStageKind kind) {
  switch (kind) {
    case core::WalkStageKind::scores: return "q_i·k_j";
    case core::WalkStageKind::scale: return "× scale";
    case core::WalkStageKind::score_mods: return "mods";
    case core::WalkStageKind::mask: return "after the mask";
    case core::WalkStageKind::exp: return "exp(s − max)";
    case core::WalkStageKind::softmax: return "weight";
    default: return nullptr;  // the mix reuses the weights
  }
}

std::string value_text(double v) {
  if (v == -std::numeric_limits<double>::infinity()) return "−∞";
  return format_precise(v);
}

void go_to(StepsViewState& st, int stage, int count) {
  st.stage = std::clamp(stage, 0, std::max(0, count - 1));
  st.elapsed = 0;
}

// Back, Play / Pause, Next, the pace, and the keys: ← / → step, space plays.
void draw_transport(StepsViewState& st, int count) {
  if (ImGui::Button("◀ Back")) go_to(st, st.stage - 1, count);
  widget_rects().record_last_item("steps.back");
  ImGui::SameLine();
  if (ImGui::Button(st.playing ? "Pause###steps_play" : "Play###steps_play")) {
    if (!st.playing && st.stage == count - 1) go_to(st, 0, count);  // Play at the end starts again
    st.playing = !st.playing;
    st.elapsed = 0;
  }
  widget_rects().record_last_item("steps.play");
  ImGui::SameLine();
  if (ImGui::Button("Next ▶")) go_to(st, st.stage + 1, count);
  widget_rects().record_last_item("steps.next");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderFloat("##steps_speed", &st.seconds_per_stage, 0.3f, 6.0f, "%.1f s a stage");
  widget_rects().record_last_item("steps.speed");
  ImGui::SameLine();
  ImGui::TextDisabled("keys: ← → step, space plays");

  const ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput && !ImGui::IsAnyItemActive()) {
    // no key repeat: on a slow frame a held key would skip stages
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), false)) go_to(st, st.stage + 1, count);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow), false)) go_to(st, st.stage - 1, count);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
      if (!st.playing && st.stage == count - 1) go_to(st, 0, count);
      st.playing = !st.playing;
      st.elapsed = 0;
    }
  }
  if (st.playing) {
    st.elapsed += io.DeltaTime;
    if (st.elapsed >= st.seconds_per_stage) {
      if (st.stage + 1 >= count) st.playing = false;  // the walk ends on the layer's output
      else go_to(st, st.stage + 1, count);
    }
  }
}

// The stages as a row of buttons, the one on screen selected; a click goes there.
void draw_stage_list(StepsViewState& st, const core::RowWalk& walk) {
  const int count = static_cast<int>(walk.stages.size());
  const float right = ImGui::GetWindowContentRegionMax().x + ImGui::GetWindowPos().x;
  for (int k = 0; k < count; ++k) {
    const std::string text = std::to_string(k + 1) + " " + walk.stages[static_cast<std::size_t>(k)].id;
    const float needed = ImGui::CalcTextSize(("→ " + text).c_str()).x + 2 * ImGui::GetStyle().FramePadding.x + 8;
    if (k > 0 && ImGui::GetItemRectMax().x + needed <= right) {  // on this line if it fits, else on the next
      ImGui::SameLine(0, 2);
      ImGui::TextDisabled("→");
      ImGui::SameLine(0, 2);
    }
    const bool on = k == st.stage;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.85f, 0.5f, 0.1f, 1.0f));
    if (ImGui::SmallButton((text + "##stage" + std::to_string(k)).c_str())) go_to(st, k, count);
    if (on) ImGui::PopStyleColor();
    widget_rects().record_last_item("steps.stage[" + std::to_string(k) + "]");
  }
}

// A vector stage's numbers: the first few, and where the rest are.
void draw_vector(const core::WalkStage& stage) {
  std::string line;
  const int count = static_cast<int>(stage.values.size());
  for (int c = 0; c < std::min(count, vector_numbers_shown); ++c)
    line += (c ? ", " : "[") + format_precise(stage.values[static_cast<std::size_t>(c)]);
  line += count > vector_numbers_shown ? ", … ]" : "]";
  ImGui::PushTextWrapPos(0);
  ImGui::TextWrapped("%s", line.c_str());
  ImGui::PopTextWrapPos();
  if (count > vector_numbers_shown)
    ImGui::TextDisabled("%d more numbers: all of them are the outlined cells below (hover one for its breakdown)",
                        count - vector_numbers_shown);
}

// Per key: the numbers of every per-key stage so far, the one on screen highlighted; masked keys greyed.
void draw_key_table(const core::Scenario& s, const core::RowWalk& walk, int current) {
  std::vector<int> columns;
  for (int k = 0; k <= current; ++k)
    if (walk.stages[static_cast<std::size_t>(k)].per_key && column_name(walk.stages[static_cast<std::size_t>(k)].kind))
      columns.push_back(k);
  if (columns.empty()) return;
  const core::WalkStage& now = walk.stages[static_cast<std::size_t>(current)];
  const int highlighted = now.kind == core::WalkStageKind::mix ? columns.back() : current;
  const int keys = static_cast<int>(walk.stages[static_cast<std::size_t>(columns.front())].values.size());
  const float row_h = ImGui::GetTextLineHeightWithSpacing();
  const float height = row_h * static_cast<float>(std::min(keys, 10) + 1) + 8;
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingFixedFit;
  const float width = std::min(ImGui::GetContentRegionAvail().x, static_cast<float>(columns.size() + 1) * 8.5f * ImGui::GetFontSize());
  if (!ImGui::BeginTable("##steps_keys", static_cast<int>(columns.size()) + 1, flags, ImVec2(width, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("key j");
  for (int k : columns) ImGui::TableSetupColumn(column_name(walk.stages[static_cast<std::size_t>(k)].kind));
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int c = 0; c <= static_cast<int>(columns.size()); ++c) {
    ImGui::TableSetColumnIndex(c);
    const bool on = c > 0 && columns[static_cast<std::size_t>(c - 1)] == highlighted;
    if (on) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, IM_COL32(200, 110, 20, 200));
    ImGui::TableHeader(ImGui::TableGetColumnName(c));
  }
  ImGuiListClipper clipper;
  clipper.Begin(keys);
  while (clipper.Step())
    for (int j = clipper.DisplayStart; j < clipper.DisplayEnd; ++j) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      const auto& label = s.keys().tokens[static_cast<std::size_t>(j)];
      ImGui::Text("%d %s", j, label.c_str());
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const core::WalkStage& st = walk.stages[static_cast<std::size_t>(columns[c])];
        ImGui::TableSetColumnIndex(static_cast<int>(c) + 1);
        if (columns[c] == highlighted) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, IM_COL32(120, 70, 10, 120));
        const bool out = !st.excluded.empty() && st.excluded[static_cast<std::size_t>(j)];
        const double v = st.values[static_cast<std::size_t>(j)];
        if (out && st.kind != core::WalkStageKind::mask) ImGui::TextDisabled("— masked");
        else if (out) ImGui::TextDisabled("−∞");
        else ImGui::TextUnformatted(value_text(v).c_str());
      }
    }
  ImGui::EndTable();
  widget_rects().record_last_item("steps.table");
}

// The matrices the stage involves, side by side, its cells outlined; hover a cell for its breakdown, click a
// query row to walk it.
void draw_stage_maps(const core::Scenario& s, const core::Trace& t, ViewState& view, const core::WalkStage& stage,
                     int head) {
  std::vector<std::string> names;
  for (const auto& sp : stage.spans)
    if (std::find(names.begin(), names.end(), sp.matrix) == names.end()) names.push_back(sp.matrix);
  if (names.empty()) return;
  // as many side by side as leave each map room for its title and zoom buttons (about 22 characters wide)
  const float avail = ImGui::GetContentRegionAvail().x, font = ImGui::GetFontSize();
  const int per_row = std::clamp(static_cast<int>(avail / (22 * font)), 1, std::min(3, static_cast<int>(names.size())));
  const float width = avail / static_cast<float>(per_row) - font;
  for (std::size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    const StageMatrix sm = stage_matrix(s, t, head, name);
    std::vector<HeatmapBox> marks;
    for (const auto& sp : stage.spans)
      if (sp.matrix == name) marks.push_back({sp.row0, sp.col0, sp.row1 - sp.row0, sp.col1 - sp.col0, IM_COL32(255, 150, 0, 255)});
    if (k % static_cast<std::size_t>(per_row) != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const std::string id = "##steps_" + name;
    HeatmapSpec spec{id.c_str(),
                     sm.title + "  (" + std::to_string(sm.values->rows()) + " × " + std::to_string(sm.values->cols()) + ")",
                     sm.values, sm.rows, sm.cols, sm.allowed, sm.map};
    if (sm.map == ColorMap::sequential) spec.range = ColorRange::unit;
    spec.max_width = width;
    spec.max_height = 16 * ImGui::GetFontSize();
    spec.register_id = "steps.map." + name;
    spec.boxes = std::move(marks);
    const HeatmapHover hover = draw_heatmap(view.heatmaps, spec);
    if (hover.active()) {
      const std::string eid = explain_id(name, head, hover.row, hover.col);
      if (!eid.empty()) explain_tooltip(s, t, eid, sm.rows_are_queries ? "click: walk this row" : "");
      else ImGui::SetTooltip("%s[%d][%d] = %s", name.c_str(), hover.row, hover.col,
                             core::number_text((*sm.values)(hover.row, hover.col)).c_str());
      if (hover.clicked && sm.rows_are_queries) view.steps.query = hover.row;
    }
    ImGui::EndGroup();
  }
}

}  // namespace

void draw_steps_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  StepsViewState& st = view.steps;
  head_selector(state, view);
  if (st.query < 0 || st.query >= s.n()) st.query = core::row_with_most_keys(t.allowed);
  ImGui::SameLine();
  ImGui::TextUnformatted("   query i");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(18.0f, 4.0f + static_cast<float>(s.n())) * ImGui::GetFontSize());
  ImGui::SliderInt("##steps_query", &st.query, 0, s.n() - 1, "%d");
  widget_rects().record_last_item("steps.query");
  ImGui::SameLine();
  ImGui::Text("= %s", s.query.tokens[static_cast<std::size_t>(st.query)].c_str());

  if (st.revision != state.revision() || st.walk_head != view.head || st.walk_query != st.query) {
    st.walk = core::make_row_walk(s, t, view.head, st.query);
    st.revision = state.revision();
    st.walk_head = view.head;
    st.walk_query = st.query;
  }
  if (!st.walk) {
    ImGui::TextDisabled("This head's matrices are not in the trace yet.");
    return;
  }
  const core::RowWalk& walk = *st.walk;
  const int count = static_cast<int>(walk.stages.size());
  st.stage = std::clamp(st.stage, 0, count - 1);
  draw_transport(st, count);
  draw_stage_list(st, walk);
  ImGui::Separator();

  const core::WalkStage& stage = walk.stages[static_cast<std::size_t>(st.stage)];
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.7f, 0.3f, 1.0f));
  ImGui::Text("Stage %d of %d: %s", st.stage + 1, count, stage.title.c_str());
  ImGui::PopStyleColor();
  widget_rects().record_last_item("steps.title");
  if (st.playing) {
    ImGui::SameLine();
    ImGui::ProgressBar(std::min(1.0f, st.elapsed / st.seconds_per_stage), ImVec2(6 * ImGui::GetFontSize(), 0), "");
  }
  ImGui::Text("%s", stage.formula.c_str());
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s", stage.note.c_str());
  ImGui::PopTextWrapPos();
  if (!stage.facts.empty()) {
    std::string facts;
    for (const auto& f : stage.facts) facts += (facts.empty() ? "" : "     ") + f.label + " = " + format_precise(f.value);
    ImGui::PushTextWrapPos(0);
    ImGui::TextWrapped("%s", facts.c_str());
    ImGui::PopTextWrapPos();
    widget_rects().record_last_item("steps.facts");
    if (ImGui::IsItemHovered()) {  // every digit, on request
      std::string exact;
      for (const auto& f : stage.facts) exact += f.label + " = " + core::number_text(f.value) + "\n";
      ImGui::SetTooltip("%s", exact.c_str());
    }
  }
  if (stage.per_key) draw_key_table(s, walk, st.stage);
  else draw_vector(stage);
  draw_stage_maps(s, t, view, stage, view.head);
}

}  // namespace ap::ui
