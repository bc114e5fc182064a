// File bar: every button turns into a request in ui/exchange.hpp; the platform does the rest.
#include "ui/file_bar.hpp"

#include <cstdio>

#include <imgui.h>

#include "core/block_edit.hpp"
#include "io/export.hpp"
#include "io/scenario_json.hpp"
#include "io/share_link.hpp"
#include "io/trace_json.hpp"
#include "ui/exchange.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

// Save, Export's "Scenario as JSON" and a too-long share link all offer the same file.
void save_scenario(const AppState& state) {
  request_save("scenario.json", "application/json", io::scenario_to_string(state.scenario(), 2));
}

void open_text_popup(TextPopup& slot, TextPopup p) {
  slot = std::move(p);
  slot.open_requested = true;
}

void draw_text_popup(const AppState& state, TextPopup& p) {
  if (p.open_requested) ImGui::OpenPopup("text.popup");
  p.open_requested = false;
  if (!ImGui::BeginPopup("text.popup")) return;
  ImGui::TextUnformatted(p.title.c_str());
  const float font = ImGui::GetFontSize();
  if (p.too_long) {
    ImGui::PushTextWrapPos(34 * font);
    ImGui::TextWrapped("This scenario makes a link of %zu characters, more than a link can safely carry (%zu). "
                       "Save it as a JSON file and share the file instead.", p.text.size(), max_share_link_chars);
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Save scenario.json"))
      save_scenario(state);
    widget_rects().record_last_item("share.save_json");
  } else {
    const bool multiline = p.text.find('\n') != std::string::npos;
    if (multiline)
      ImGui::InputTextMultiline("##text", p.text.data(), p.text.size() + 1, ImVec2(40 * font, 18 * font),
                                ImGuiInputTextFlags_ReadOnly);
    else {
      ImGui::SetNextItemWidth(40 * font);
      ImGui::InputText("##text", p.text.data(), p.text.size() + 1, ImGuiInputTextFlags_ReadOnly);
    }
    widget_rects().record_last_item("popup.text");
    if (ImGui::Button("Copy")) request_copy(p.text, p.title);
    widget_rects().record_last_item("popup.copy");
    ImGui::SameLine();
    if (ImGui::Button("Save as file")) request_save(p.file_name, p.mime, p.text);
    widget_rects().record_last_item("popup.save");
  }
  ImGui::SameLine();
  if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
  widget_rects().record_last_item("popup.close");
  ImGui::EndPopup();
}

std::string tab_name(const std::string& tab_id) { return tab_id.rfind("view.", 0) == 0 ? tab_id.substr(5) : tab_id; }

void draw_export_menu(const AppState& state, ViewState& view) {
  if (ImGui::Button("Export")) ImGui::OpenPopup("export.menu");
  widget_rects().record_last_item("export");
  if (!ImGui::BeginPopup("export.menu")) return;
  auto item = [](const char* label, const char* id) {
    const bool chosen = ImGui::Selectable(label);
    widget_rects().record_last_item(id);
    return chosen;
  };
  const core::Trace& trace = state.trace();
  if (item("PNG of this view", "export.png"))
    if (const auto area = widget_rects().find("view.area"))
      request_capture(*area, "attention-" + tab_name(view.current_tab) + ".png");
  if (item("Trace as JSON (what attention-cli run prints)", "export.trace"))
    request_save("trace.json", "application/json", io::trace_to_json(trace).dump(1));
  if (item("Scenario as JSON", "export.scenario"))
    save_scenario(state);
  if (item("Output as CSV (N × d_model)", "export.csv.output"))
    request_save("output.csv", "text/csv", io::matrix_to_csv(trace.output));
  const int head = std::clamp(view.head, 0, static_cast<int>(trace.heads.size()) - 1);
  if (!trace.heads.empty() && item("Weights of the shown head as CSV (N × M)", "export.csv.weights"))
    request_save("weights-head" + std::to_string(head) + ".csv", "text/csv",
                 io::matrix_to_csv(trace.heads[static_cast<std::size_t>(head)].weights));
  ImGui::Separator();
  if (item("Copy as PyTorch (a script that prints the same output)", "export.torch")) {
    std::string script = io::scenario_to_torch_script(state.scenario());
    request_copy(script, "the PyTorch script");
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    open_text_popup(view.editor.popup, {"PyTorch: rebuilds this scenario with torch and prints the output", std::move(script),
                     "attention.py", "text/x-python", false});
    return;
  }
  ImGui::TextDisabled("right-click any heatmap for its PNG or CSV");
  ImGui::EndPopup();
}

void draw_open(EditorState& editor) {
  Exchange& ex = exchange();
  if (ex.browser) {
    if (ImGui::Button("Open")) ex.pick_file = true;
    widget_rects().record_last_item("file.open");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("a scenario .json, or a .npy for the matrix chosen beside (or drop a file on the page)");
  } else {
    char path[1024];
    std::snprintf(path, sizeof path, "%s", editor.open_path.c_str());
    ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
    const bool enter = ImGui::InputTextWithHint("##path", "path to .json or .npy", path, sizeof path,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    editor.open_path = path;
    widget_rects().record_last_item("file.path");
    ImGui::SameLine(0, 2);
    if ((ImGui::Button("Open") || enter) && !editor.open_path.empty()) ex.open_path = editor.open_path;
    widget_rects().record_last_item("file.open");
  }
}

void draw_npy_target(ViewState& view) {
  std::vector<std::string> targets;
  int current = 0;
  for (const auto t : core::block_targets()) {
    if (t == view.npy_target) current = static_cast<int>(targets.size());
    targets.emplace_back(t);
  }
  if (auto c = choose("file.npy_target", ".npy files go into", targets, current))
    view.npy_target = targets[static_cast<std::size_t>(*c)];
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("unless the file is named after a matrix: x.npy, w_q.npy, context.x.npy, ...");
}

}  // namespace

std::string share_link(const AppState& state) {
  return exchange().page_url + "#" + io::share_fragment(io::scenario_to_string(state.scenario()));
}

void draw_file_bar(AppState& state, ViewState& view) {
  draw_open(view.editor);
  ImGui::SameLine();
  if (ImGui::Button("Save")) save_scenario(state);
  widget_rects().record_last_item("file.save");
  ImGui::SameLine();
  if (ImGui::Button("Share link")) {
    std::string link = share_link(state);
    const bool too_long = link.size() > max_share_link_chars;
    if (!too_long) request_copy(link, "the share link");
    open_text_popup(view.editor.popup, {too_long ? "Share link: too long" : "Share link (copied): opens this exact scenario", std::move(link),
                     "scenario-link.txt", "text/plain", too_long});
  }
  widget_rects().record_last_item("share");
  ImGui::SameLine();
  draw_export_menu(state, view);
  draw_text_popup(state, view.editor.popup);
  draw_npy_target(view);
}

}  // namespace ap::ui
