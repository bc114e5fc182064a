// The Variants tab: one tab per SPEC §1b variant, widget view.variants.<name>. A variant the scenario turns on
// comes forward by itself, so ticking ALiBi in the editor shows what ALiBi does.
#include <limits>

#include <imgui.h>

#include "core/presets.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

void note(const char* text) { note_wrapped_visible("%s", text); }

void load_preset(AppState& state, ViewState& view, const char* id) {
  if (state.propose(core::make_preset(id))) return;
  view.editor.preset = id;
  view.editor.preset_revision = state.scenario_revision();
}

void draw_variants_view(AppState& state, ViewState& view) {
  struct Section {
    const char* title;
    const char* name;
    void (*draw)(AppState&, ViewState&);
  };
  static const Section sections[] = {
      {"Grouped-query", "gqa", draw_gqa_section},     {"ALiBi", "alibi", draw_alibi_section},
      {"Soft-cap", "softcap", draw_softcap_section},  {"Sinks", "sinks", draw_sinks_section},
      {"Mask fill", "mask_fill", draw_mask_fill_section},
  };
  const core::Variants& v = state.scenario().variants;
  const bool on[] = {v.kv_heads.has_value(), v.alibi, v.softcap.has_value(), v.sinks.has_value(),
                     state.scenario().mask_fill() != -std::numeric_limits<double>::infinity()};
  unsigned bits = 0;
  for (int i = 0; i < 5; ++i) bits |= on[i] ? 1u << i : 0u;
  VariantViewState& vs = view.variants;
  for (int i = 0; i < 5; ++i)
    if ((bits & ~vs.variants_on) & (1u << i)) vs.select = sections[i].name;  // newly on: bring it forward
  vs.variants_on = bits;
  if (!ImGui::BeginTabBar("variants")) return;
  for (const Section& s : sections) {
    const bool select = vs.select == s.name;
    const bool open = ImGui::BeginTabItem(s.title, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0);
    if (select) vs.select.clear();
    widget_rects().record_last_item(std::string("view.variants.") + s.name);
    if (!open) continue;
    s.draw(state, view);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace ap::ui
