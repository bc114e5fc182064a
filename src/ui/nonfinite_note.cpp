// Words for a core::NonFiniteSummary: one wrapped paragraph in the warning colour.
#include "ui/nonfinite_note.hpp"

#include <cmath>

#include <imgui.h>

#include "ui/format.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

std::string value_text(double v) { return std::isnan(v) ? "NaN" : v > 0 ? "+inf" : "-inf"; }

// Why the first non-finite cell of a stage came to be.
std::string reason(const std::string& stage, double value, const std::string& limit) {
  if (std::isnan(value) && stage != "weights")
    return "the sum met +inf and -inf together (inf - inf is NaN), after an overflow past " + limit;
  if (stage == "x_in" || stage == "context_in") return "x plus its positional encoding passed " + limit;
  if (stage == "q" || stage == "k" || stage == "v") return "the projection x·W + b passed " + limit;
  if (stage == "scores") return "the product q·k passed " + limit;
  if (stage == "scaled") return "scale·q·k (with ALiBi and the soft-cap) passed " + limit;
  if (stage == "weights")
    return "the row's scaled scores were all -inf (an underflow) though keys were allowed, so its softmax is undefined";
  if (stage == "output") return "concat·W_O + b_O passed " + limit;
  return "weights·V passed " + limit;
}

}  // namespace

void draw_nonfinite_note(const core::NonFiniteSummary& summary, const std::string& computed_in, const std::string& what,
                         const std::string& widget_id) {
  if (summary.total == 0 || !summary.origin) return;
  std::string where;
  for (const auto& [matrix, count] : summary.per_matrix)
    where += (where.empty() ? "" : ", ") + matrix + " " + std::to_string(count);
  const core::NonFiniteCell& o = *summary.origin;
  const std::string stage = std::string(o.matrix) == "output" && o.head >= 0 ? "head output" : o.matrix;
  const std::string cell = std::string(o.matrix) + (o.head >= 0 ? "[" + std::to_string(o.head) + "]" : "") + "[" +
                           std::to_string(o.row) + "][" + std::to_string(o.col) + "]";
  const std::string limit = format_precise(summary.largest_finite) + ", the largest finite number in " + computed_in;
  const std::string text =
      std::to_string(summary.total) + (summary.total == 1 ? " cell of " : " cells of ") + what +
      " are ±inf or NaN (drawn magenta): " + where + ". It begins at " + cell + " = " + value_text(summary.origin_value) +
      ": " + reason(stage, summary.origin_value, limit) +
      ". A softmax row that meets +inf or NaN has no defined value, so its weights and all computed from them are NaN; "
      "every such cell is listed in the trace's nonfinite (null in its JSON), never shown as a finite number.";
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.85f, 1.0f));
  text_wrapped_visible("%s", text.c_str());
  ImGui::PopStyleColor();
  widget_rects().record_last_item(widget_id);
}

void draw_trace_nonfinite_note(const AppState& state, VariantViewState& v) {
  const core::Trace& t = state.trace();
  if (t.nonfinite.empty()) return;
  if (!v.summary_valid || v.summary_revision != state.revision()) {  // the list may be N × M long: once a result
    v.summary = core::summarize_nonfinite(t);
    v.summary_revision = state.revision();
    v.summary_valid = true;
  }
  draw_nonfinite_note(v.summary, t.computed_in, "this trace", "status.nonfinite");
}

}  // namespace ap::ui
