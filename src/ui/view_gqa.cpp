// Grouped-query attention: which query heads read which K/V head (drawn; click a query head to show it), the K
// each group shares, and the memory fewer K/V heads save for this shape (core::kv_memory).
#include <string>

#include <imgui.h>

#include "core/limits.hpp"
#include "core/variant_views.hpp"
#include "ui/heatmap.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

std::string bytes_text(std::size_t bytes) {
  char buf[48];
  if (bytes < 10 * 1024) std::snprintf(buf, sizeof buf, "%zu B", bytes);
  else if (bytes < 10 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

ImU32 group_colour(int kv_head) {
  const ImVec4 t = head_tint(kv_head);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(t.x * 1.8f, t.y * 1.8f, t.z * 1.8f, 1));
}

// Query heads on top, K/V heads below, a line from each query head to the K/V head it reads.
void draw_groups(const core::Scenario& s, ViewState& view) {
  const float font = ImGui::GetFontSize();
  const float width = ImGui::GetContentRegionAvail().x, height = 7 * font;
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##gqa", ImVec2(width, height));
  widget_rects().record_last_item("view.gqa.diagram");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int h = s.heads, g = s.kv_heads();
  const float qw = std::min(4.0f * font, width / static_cast<float>(h) - 4);
  const float kw = std::min(6.0f * font, width / static_cast<float>(g) - 8);
  const auto q_centre = [&](int i) { return o.x + (i + 0.5f) * width / static_cast<float>(h); };
  const auto k_centre = [&](int j) { return o.x + (j + 0.5f) * width / static_cast<float>(g); };
  const float qy = o.y + 0.2f * font, ky = o.y + height - 1.8f * font, box = 1.5f * font;
  for (int i = 0; i < h; ++i)
    dl->AddLine(ImVec2(q_centre(i), qy + box), ImVec2(k_centre(s.kv_head_of(i)), ky), group_colour(s.kv_head_of(i)), 2);
  for (int i = 0; i < h; ++i) {
    const ImVec2 a(q_centre(i) - qw / 2, qy), b(q_centre(i) + qw / 2, qy + box);
    dl->AddRectFilled(a, b, group_colour(s.kv_head_of(i)), 3);
    if (i == view.head) dl->AddRect(a, b, IM_COL32(255, 210, 80, 255), 3, 0, 2);
    const std::string label = h <= 32 ? "q" + std::to_string(i) : "";
    dl->AddText(ImVec2(q_centre(i) - ImGui::CalcTextSize(label.c_str()).x / 2, qy + 0.2f * font), IM_COL32(0, 0, 0, 255), label.c_str());
    widget_rects().record("view.gqa.q[" + std::to_string(i) + "]", a, b);
    if (ImGui::IsItemClicked() && ImGui::IsMouseHoveringRect(a, b)) view.head = i;
  }
  for (int j = 0; j < g; ++j) {
    const ImVec2 a(k_centre(j) - kw / 2, ky), b(k_centre(j) + kw / 2, ky + box);
    dl->AddRectFilled(a, b, group_colour(j), 3);
    const std::string label = g <= 16 ? "K/V " + std::to_string(j) : "";
    dl->AddText(ImVec2(k_centre(j) - ImGui::CalcTextSize(label.c_str()).x / 2, ky + 0.2f * font), IM_COL32(0, 0, 0, 255), label.c_str());
    widget_rects().record("view.gqa.kv[" + std::to_string(j) + "]", a, b);
  }
}

void memory_table(const core::Scenario& s) {
  const int n = s.n(), longest = core::limits::max_tokens;
  const core::KvMemory fp16 = core::kv_memory(s, n, core::Precision::fp16);
  const core::KvMemory fp32 = core::kv_memory(s, n, core::Precision::fp32);
  const core::KvMemory far = core::kv_memory(s, longest, core::Precision::fp16);
  if (!ImGui::BeginTable("gqa.memory", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  ImGui::TableSetupColumn("one layer");
  ImGui::TableSetupColumn(("textbook (g = h = " + std::to_string(s.heads) + ")").c_str());
  ImGui::TableSetupColumn(("this layer (g = " + std::to_string(s.kv_heads()) + ")").c_str());
  ImGui::TableSetupColumn("saved");
  ImGui::TableHeadersRow();
  const auto row = [](const std::string& what, const std::string& textbook, const std::string& mine, double saved) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(what.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(textbook.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(mine.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.0f %%", 100 * saved);
  };
  row("W_K, W_V, b_K, b_V (numbers)", std::to_string(fp16.textbook_kv_weights), std::to_string(fp16.kv_weights), fp16.saved);
  row("KV cache, " + std::to_string(n) + " tokens, fp16", bytes_text(fp16.textbook_cache_bytes), bytes_text(fp16.cache_bytes), fp16.saved);
  row("KV cache, " + std::to_string(n) + " tokens, fp32", bytes_text(fp32.textbook_cache_bytes), bytes_text(fp32.cache_bytes), fp32.saved);
  row("KV cache, " + std::to_string(longest) + " tokens, fp16", bytes_text(far.textbook_cache_bytes), bytes_text(far.cache_bytes), far.saved);
  ImGui::EndTable();
  widget_rects().record_last_item("view.gqa.memory");
}

}  // namespace

void draw_gqa_section(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  const int h = s.heads, g = s.kv_heads();
  if (g == h)
    note("Every query head has its own K and V (the textbook layer). Lower kv_heads in the editor: heads then share "
         "K/V heads, and W_K, W_V and the KV cache shrink.");
  text_wrapped_visible("h = %d query heads read g = %d K/V head%s: query head i uses K/V head floor(i·g/h), %d query head%s "
                     "each%s.", h, g, g == 1 ? "" : "s", h / g, h / g == 1 ? "" : "s",
                     g == 1 ? " (multi-query attention)" : g < h ? " (grouped-query attention)" : "");
  draw_groups(s, view);
  memory_table(s);
  ImGui::Spacing();
  ImGui::TextUnformatted("The K each group shares (every query head of the group scores against it):");
  const auto groups = core::kv_groups(s);
  const float avail = ImGui::GetContentRegionAvail().x;
  const int shown = std::min(g, 8);
  const float width = avail / static_cast<float>(std::min(shown, 4)) - 10;
  for (int j = 0; j < shown; ++j) {
    if (j % 4 != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const auto& group = groups[static_cast<std::size_t>(j)];
    std::string heads;
    for (int q : group.query_heads) heads += (heads.empty() ? "" : ", ") + std::to_string(q);
    const std::string id = "##gqa_k" + std::to_string(j);
    HeatmapSpec k{id.c_str(), "K/V head " + std::to_string(j) + ": K, for heads " + heads,
                  &t.heads[static_cast<std::size_t>(group.query_heads.front())].k, &s.keys().tokens};
    k.max_width = width;
    k.max_cell = 30;
    k.legend = false;
    k.register_id = "view.gqa.k[" + std::to_string(j) + "]";
    draw_heatmap(view.heatmaps, k);
    ImGui::EndGroup();
  }
  if (g > shown) ImGui::TextDisabled("… and %d more K/V heads", g - shown);
}

}  // namespace ap::ui
