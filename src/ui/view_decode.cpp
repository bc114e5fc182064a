// KV-cache decoding, one token at a time (core::KvCacheDecoder): each step appends a K and a V row per K/V head
// and computes one new row of weights; shown are the cache growing, the new row beside the full causal
// computation's row (their largest difference), the work per step against recomputing every row, and the cache's
// bytes per layer (with the scenario's K/V heads, at fp16). Playing takes one step a frame.
#include <string>

#include <imgui.h>

#include "core/limits.hpp"
#include "core/variant_views.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

// A fresh decoder whenever the scenario changed, or the reason there can be none.
void restart_if_changed(DecodeState& d, const AppState& state, bool force = false) {
  if (!force && d.started && d.scenario_revision == state.scenario_revision()) return;
  d = DecodeState{};
  d.started = true;
  d.scenario_revision = state.scenario_revision();
  try {
    d.decoder.emplace(state.scenario());
  } catch (const core::InputError& e) {
    d.refusal = e.error.what();
  }
}

// One step: decode the next token, then copy what is drawn (the caches, the new rows) into matrices.
void step(DecodeState& d, const core::Scenario& s) {
  if (!d.decoder || d.decoder->done()) return;
  d.last = d.decoder->step();
  const int rows = d.decoder->steps_done();
  for (int g = 0; g < s.kv_heads(); ++g) {
    d.k_cache[g] = Eigen::Map<const core::Matrix>(d.decoder->k_cache(g).data(), rows, s.d_k);
    d.v_cache[g] = Eigen::Map<const core::Matrix>(d.decoder->v_cache(g).data(), rows, s.d_v);
  }
  for (int h = 0; h < s.heads; ++h) {
    const auto& w = d.last->weights[static_cast<std::size_t>(h)];
    d.weights_row[h] = Eigen::Map<const core::Matrix>(w.data(), 1, static_cast<Eigen::Index>(w.size()));
  }
}

std::string count_text(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, n < 1e6 ? "%.0f" : "%.3g", n);
  return buf;
}

std::string bytes_text(std::size_t b) {
  char buf[32];
  if (b < 10 * 1024) std::snprintf(buf, sizeof buf, "%zu B", b);
  else std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  return buf;
}

void work_and_bytes(const core::Scenario& s, int t) {
  const core::DecodeWork now = core::decode_work(s, t), total = core::decode_work_total(s, t);
  const core::KvMemory cache = core::kv_memory(s, t + 1, core::Precision::fp16);
  const core::KvMemory full = core::kv_memory(s, s.n(), core::Precision::fp16);
  const core::KvMemory longest = core::kv_memory(s, core::limits::max_tokens, core::Precision::fp16);
  if (!ImGui::BeginTable("decode.work", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  ImGui::TableSetupColumn("multiply-adds");
  ImGui::TableSetupColumn("with the KV cache");
  ImGui::TableSetupColumn("recomputing every row");
  ImGui::TableHeadersRow();
  const auto row = [](const std::string& what, double a, double b) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(what.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(count_text(a).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(count_text(b).c_str());
  };
  row("this step (token " + std::to_string(t) + ")", now.cached, now.recompute);
  row("all steps so far", total.cached, total.recompute);
  ImGui::EndTable();
  widget_rects().record_last_item("view.decode.work");
  text_wrapped_visible("A step with the cache projects one token and computes one row per head: O(t·d). Without it "
                     "every row is computed again: O(t²·d).");
  text_wrapped_visible("KV cache, one layer, fp16: %s now (%d tokens × %d K/V heads × (d_k + d_v = %d) × 2 bytes), %s at "
                     "N = %d, %s at %d tokens; with one K/V head per query head (g = h) it would be %s at N.",
                     bytes_text(cache.cache_bytes).c_str(), t + 1, s.kv_heads(), s.d_k + s.d_v,
                     bytes_text(full.cache_bytes).c_str(), s.n(), bytes_text(longest.cache_bytes).c_str(),
                     core::limits::max_tokens, bytes_text(full.textbook_cache_bytes).c_str());
  widget_rects().record_last_item("view.decode.bytes");
}

}  // namespace

void draw_decode_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  DecodeState& d = view.variants.decode;
  restart_if_changed(d, state);
  if (!d.decoder) {
    text_wrapped_visible("Not available for this scenario: %s", d.refusal.c_str());
    note("KV-cache decoding generates one token at a time: causal self-attention, where token t attends keys 0..t. "
         "The cat_sat, gqa, alibi and sinks presets are causal.");
    return;
  }
  if (ImGui::Button(d.decoder->done() ? "done" : "step")) step(d, s);
  widget_rects().record_last_item("view.decode.step");
  ImGui::SameLine();
  if (ImGui::Button(d.playing ? "pause" : "play")) d.playing = !d.playing;
  widget_rects().record_last_item("view.decode.play");
  ImGui::SameLine();
  if (ImGui::Button("reset")) restart_if_changed(d, state, true);
  widget_rects().record_last_item("view.decode.reset");
  if (d.playing) {
    step(d, s);
    if (d.decoder->done()) d.playing = false;
  }
  ImGui::SameLine();
  ImGui::Text("%d of %d tokens decoded", d.decoder->steps_done(), d.decoder->tokens());
  if (!d.last) {
    note("Press step: token 0 is projected, its K and V rows go into the cache, and its row of weights is computed "
         "against the cache alone.");
    return;
  }
  const int step_t = d.last->t;
  head_selector(state, view);
  const int head = view.head, kv = s.kv_head_of(head);
  text_wrapped_visible("Step %d: \"%s\" attends the %d cached keys 0..%d. Head %d reads K/V head %d%s.", step_t,
                     s.query.tokens[static_cast<std::size_t>(step_t)].c_str(), step_t + 1, step_t, head, kv,
                     s.kv_heads() < s.heads ? " (shared: grouped-query)" : "");
  const float half = ImGui::GetContentRegionAvail().x / 2 - 8;
  const std::vector<std::string> cached(s.query.tokens.begin(), s.query.tokens.begin() + step_t + 1);
  const auto cache_map = [&](const char* which, const core::Matrix& m, const char* width) {
    ImGui::BeginGroup();
    const std::string id = std::string("##decode_") + which + std::to_string(kv);
    HeatmapSpec spec{id.c_str(), std::string(which) + " cache, K/V head " + std::to_string(kv) + "  (" +
                                     std::to_string(step_t + 1) + " × " + width + ")", &m, &cached};
    spec.max_width = half;
    spec.max_height = 12 * ImGui::GetFontSize();
    spec.register_id = std::string("view.decode.") + which;
    draw_heatmap(view.heatmaps, spec);
    ImGui::EndGroup();
  };
  cache_map("K", d.k_cache[kv], "d_k");
  ImGui::SameLine();
  cache_map("V", d.v_cache[kv], "d_v");
  const std::string wid = "##decode_w" + std::to_string(head);
  const std::vector<std::string> row_label = {s.query.tokens[static_cast<std::size_t>(step_t)]};
  HeatmapSpec w{wid.c_str(), "the new row of weights, head " + std::to_string(head) + "  (1 × " + std::to_string(step_t + 1) + ")",
                &d.weights_row[head], &row_label, &cached, nullptr, ColorMap::sequential};
  w.range = ColorRange::unit;
  w.max_cell = 40;
  w.register_id = "view.decode.weights";
  draw_heatmap(view.heatmaps, w);
  if (state.trace_fits()) {
    const double diff = core::decode_row_difference(*d.last, t);
    if (diff == 0)
      ImGui::TextColored(ImVec4(0.55f, 0.85f, 0.55f, 1), "Equal, bit for bit, to row %d of the full causal computation "
                         "on screen (%s): weights, head outputs and the output row.", step_t, t.backend.c_str());
    else
      text_wrapped_visible("Row %d of the full computation on screen (%s, in %s) differs by at most %s: decoding runs in "
                         "double like the reference, which gives exactly the same row.", step_t, t.backend.c_str(),
                         t.computed_in.c_str(), format_precise(diff).c_str());
    widget_rects().record_last_item("view.decode.check");
  }
  work_and_bytes(s, step_t);
}

}  // namespace ap::ui
