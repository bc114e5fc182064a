// Positional encodings: the matrix that is added (sinusoidal, learned) and the RoPE demo: the score of
// one q, k pair at positions (p, p + r) stays the same as p moves.
#include <cmath>

#include <imgui.h>

#include "core/explain.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"

namespace ap::ui {

void draw_positional_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  switch (s.positional.kind) {
    case core::PositionalKind::none:
      ImGui::TextWrapped("No positional encoding: attention is then blind to order (permuting the tokens permutes the output).");
      break;
    case core::PositionalKind::sinusoidal:
    case core::PositionalKind::learned: {
      HeatmapSpec pe{"##pe", s.positional.kind == core::PositionalKind::sinusoidal
                                 ? "sinusoidal PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(...)  (positions × d_model)"
                                 : "learned table  (positions × d_model)",
                     &t.positional};
      draw_heatmap(view.heatmaps, pe);
      HeatmapSpec x{"##xin", "X + PE  (what is projected)", &t.x_in, &s.query.tokens};
      draw_heatmap(view.heatmaps, x);
      break;
    }
    case core::PositionalKind::rope: {
      head_selector(state, view);
      ImGui::TextWrapped("RoPE rotates each pair of q and k coordinates by an angle proportional to the position, so "
                         "q_p · k_{p+r} depends only on the offset r.");
      int& qi = view.positional.query;
      int& kj = view.positional.key;
      int& offset = view.positional.offset;
      const auto& h = t.heads[static_cast<std::size_t>(view.head)];
      if (qi < 0 || kj < 0) {  // start from the longest q and k: a zero vector would show a flat 0
        qi = core::longest_row(h.q);
        kj = core::longest_row(h.k);
      }
      qi = std::clamp(qi, 0, s.n() - 1);
      kj = std::clamp(kj, 0, s.m() - 1);
      ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
      ImGui::SliderInt("q from row", &qi, 0, s.n() - 1);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
      ImGui::SliderInt("k from row", &kj, 0, s.m() - 1);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(8 * ImGui::GetFontSize());
      ImGui::SliderInt("offset r", &offset, -8, 8);
      // The demo takes the trace's q, k rows as they are (already turned by RoPE at their own rows) and has the
      // core turn them further, q by p and k by p + offset: the score depends on the offset alone, whatever p.
      std::vector<double> q(h.q.row(qi).data(), h.q.row(qi).data() + h.q.cols());
      std::vector<double> k(h.k.row(kj).data(), h.k.row(kj).data() + h.k.cols());
      const auto scores = core::rope_scores_at_offset(q, k, offset, 12, s.positional.rope_base, s.positional.rope_pairing);
      std::vector<float> plot(scores.begin(), scores.end());
      const float centre = plot.empty() ? 0.0f : plot[0], spread = 1.0f + std::fabs(centre);
      ImGui::PlotLines("score vs p", plot.data(), static_cast<int>(plot.size()), 0, "flat: only the offset matters",
                       centre - spread, centre + spread, ImVec2(0, 6 * ImGui::GetFontSize()));
      for (std::size_t p = 0; p < scores.size(); ++p) {
        ImGui::Text("p = %2zu: q at %zu, k at %d → score %s", p, p, static_cast<int>(p) + offset, format_precise(scores[p]).c_str());
      }
      break;
    }
  }
}

}  // namespace ap::ui
