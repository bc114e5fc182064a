// Tooltips of core::Breakdown (see explain_tooltip.hpp): terms to 6 significant digits, the cell's value in the
// shortest text that reads back as it (core::number_text).
#include "ui/explain_tooltip.hpp"

#include <imgui.h>

#include "core/breakdown.hpp"
#include "core/number_text.hpp"
#include "ui/format.hpp"

namespace ap::ui {

namespace {

const ImVec4 dim(0.7f, 0.7f, 0.7f, 1.0f);

// Σ a·b, listed: the largest terms one a line, the rest in one line, then the sum.
void term_lines(const std::vector<core::BreakdownTerm>& terms, bool products) {
  const core::TermSummary sum = core::summarise_terms(terms, tooltip_terms);
  for (int k : sum.shown) {
    const auto& t = terms[static_cast<std::size_t>(k)];
    if (products && t.b != 1.0)
      ImGui::Text("  %-28s %10s × %-10s = %s", t.label.c_str(), format_precise(t.a).c_str(), format_precise(t.b).c_str(),
                  format_precise(t.a * t.b).c_str());
    else
      ImGui::Text("  %-28s %s", t.label.c_str(), format_precise(t.a * t.b).c_str());
  }
  if (sum.hidden > 0)
    ImGui::TextColored(dim, "  … %d more term%s (smaller), together %s", sum.hidden, sum.hidden == 1 ? "" : "s",
                       format_precise(sum.hidden_sum).c_str());
  ImGui::Text("  Σ = %s", core::number_text(sum.total).c_str());
}

}  // namespace

std::string cell_id(const char* kind, int a, int b, int c) {
  std::string id = std::string(kind) + "[" + std::to_string(a) + "][" + std::to_string(b) + "]";
  return c < 0 ? id : id + "[" + std::to_string(c) + "]";
}

void explain_tooltip(const core::Scenario& s, const core::Trace& t, const std::string& id, const std::string& note) {
  const auto b = core::explain_cell(s, t, id);
  if (!b) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
  ImGui::TextWrapped("%s", b->formula.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Separator();
  if (b->is_ratio) {
    if (b->masked) ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "masked: the softmax never saw this key's score");
    if (b->denominator > 0) {
      ImGui::Text("s = %s, max = %s", format_precise(b->logit).c_str(), format_precise(b->row_max).c_str());
      ImGui::Text("numerator   exp(%s − %s) = %s", format_precise(b->logit).c_str(), format_precise(b->row_max).c_str(),
                  format_precise(b->numerator).c_str());
      ImGui::TextUnformatted("denominator Σ exp(s − max):");
      term_lines(b->denominator_terms, false);
      ImGui::Text("weight = %s / %s = %s", format_precise(b->numerator).c_str(), format_precise(b->denominator).c_str(),
                  core::number_text(b->value).c_str());
    } else {
      ImGui::Text("no key is allowed in this row: weight %s", core::number_text(b->value).c_str());
    }
  } else {
    term_lines(b->terms, true);
    ImGui::Text("%s = %s", id.c_str(), core::number_text(b->value).c_str());
  }
  if (!note.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
    ImGui::TextWrapped("%s", note.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTooltip();
}

}  // namespace ap::ui
