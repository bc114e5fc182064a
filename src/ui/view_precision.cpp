// The precision lab: the scenario on screen computed again in fp64, fp32, fp16 and bf16 (core's reference,
// emulating each format), one stage side by side, its correct digits per cell against fp64 (overflow magenta,
// lost digits pale), the error per stage, and, where fp16 overflows, the scale before and after the product.
#include <string>
#include <utility>

#include <imgui.h>

#include "core/scenario_edit.hpp"
#include "core/variant_views.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/nonfinite_note.hpp"
#include "ui/side_traces.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

using core::Precision;

struct Format {
  const char* name;                // column title and side-trace key
  std::optional<Precision> precision;
};
const Format formats[] = {{"fp64", std::nullopt}, {"fp32", Precision::fp32}, {"fp16", Precision::fp16}, {"bf16", Precision::bf16}};
const char* const stage_names[] = {"scores", "scaled", "weights", "head output", "output"};

SideTrace format_trace(AppState& state, ViewState& view, const Format& f) {
  return side_trace(view.variants.side, state, std::string("precision.") + f.name,
                    [p = f.precision](core::Scenario& v) { v.variants.precision = p; });
}

const core::Matrix& stage_matrix(const core::Trace& t, int stage, int head) {
  const core::HeadTrace& h = t.heads[static_cast<std::size_t>(head)];
  switch (stage) {
    case 0: return h.scores;
    case 1: return h.scaled;
    case 2: return h.weights;
    case 3: return h.output;
    default: return t.output;
  }
}

// "2.1e-04 (3.7 digits)", and how many cells were not finite (when asked); over the finite cells.
std::string error_text(const core::StageError& e, bool with_nonfinite = true) {
  if (e.cells == 0) return "–";
  if (e.nonfinite == e.cells) return std::to_string(e.nonfinite) + " non-finite, none to compare";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.1e  (%.1f digits)", e.relative, e.digits);
  std::string text = buf;
  if (with_nonfinite && e.nonfinite) text += "  " + std::to_string(e.nonfinite) + " non-finite";
  return text;
}

void error_table(const std::vector<std::vector<core::StageError>>& errors) {
  if (!ImGui::BeginTable("precision.errors", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  ImGui::TableSetupColumn("stage (error relative to its largest |value|)");
  for (int f = 1; f < 4; ++f) ImGui::TableSetupColumn(formats[f].name);
  ImGui::TableHeadersRow();
  for (std::size_t s = 0; s < errors.front().size(); ++s) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(errors.front()[s].stage.c_str());
    for (const auto& per_format : errors) {
      ImGui::TableNextColumn();
      const core::StageError& e = per_format[s];
      if (e.nonfinite) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.85f, 1), "%s", error_text(e).c_str());
      else ImGui::TextUnformatted(error_text(e).c_str());
    }
  }
  ImGui::EndTable();
}

// Where fp16 (or the scenario's own format) overflows: the scale after the product cannot undo it, before it can.
void overflow_section(AppState& state, ViewState& view, Precision p) {
  const std::string name = core::precision_name(p);
  const auto scaled_in = [](std::optional<Precision> q) {  // the layer with 1/√d_k, in format q
    return [q](core::Scenario& v) {
      v.scale = core::Scale{};
      v.variants.precision = q;
    };
  };
  const SideTrace as_is = side_trace(view.variants.side, state, "overflow.as_is." + name, [p](core::Scenario& v) { v.variants.precision = p; });
  const SideTrace as_is_exact = side_trace(view.variants.side, state, "precision.fp64", [](core::Scenario& v) { v.variants.precision.reset(); });
  const SideTrace after = side_trace(view.variants.side, state, "overflow.after." + name, scaled_in(p));
  const SideTrace exact = side_trace(view.variants.side, state, "overflow.exact", scaled_in(std::nullopt));
  const SideTrace folded = side_trace(view.variants.side, state, "overflow.folded." + name, [p](core::Scenario& v) {
    v.scale = core::Scale{};
    v = core::with_scale_folded(v);
    v.variants.precision = p;
  });
  text_wrapped_visible("%s overflows here. Its largest finite number is %s: a product q·k past it is +inf before any "
                     "scale is applied, and a softmax row that meets +inf is undefined (NaN). Scaling the scores after "
                     "the product, as the formula is written, cannot bring the +inf back; scaling q and k before it "
                     "(each by √scale, as PyTorch's math attention does) keeps every product in range.",
                     name.c_str(), format_precise(core::max_finite(p)).c_str());
  if (!ImGui::BeginTable("precision.overflow", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  for (const char* c : {"the layer, in its format", "scores ±inf", "weights NaN", "weights' error against fp64"}) ImGui::TableSetupColumn(c);
  ImGui::TableHeadersRow();
  const auto row = [&](const std::string& what, const SideTrace& a, const SideTrace& e) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(what.c_str());
    if (!a.trace || !e.trace) {
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", (a.trace ? e.note : a.note).c_str());
      return;
    }
    const auto errors = core::stage_errors(*a.trace, *e.trace);
    for (const char* stage : {"scores", "weights"}) {
      ImGui::TableNextColumn();
      for (const auto& x : errors)
        if (x.stage == stage) ImGui::Text("%zu of %zu", x.nonfinite, x.cells);
    }
    ImGui::TableNextColumn();
    for (const auto& x : errors)
      if (x.stage == "weights") ImGui::TextUnformatted((error_text(x, false) + (x.nonfinite ? " (the rest)" : "")).c_str());
  };
  row("as on screen (scale × " + format_precise(state.trace().scale) + "), " + name, as_is, as_is_exact);
  row("× 1/√d_k after the product (SPEC order), " + name, after, exact);
  row("× 1/√d_k folded into q and k before it, " + name, folded, exact);
  ImGui::EndTable();
  for (const bool fold : {false, true}) {  // the scenario with 1/√d_k, after the product or folded before it
    if (fold) ImGui::SameLine();
    if (ImGui::Button(fold ? "fold 1/√d_k into W_Q and W_K" : "use 1/√d_k")) {
      core::Scenario next = state.scenario();
      next.scale = core::Scale{};
      state.propose(fold ? core::with_scale_folded(next) : next);
    }
    widget_rects().record_last_item(fold ? "view.precision.apply_fold" : "view.precision.apply_scale");
  }
}

}  // namespace

void draw_precision_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  text_wrapped_visible("The layer on screen computed again as a model in each format would (every stage rounded, "
                     "products accumulated in fp32, the softmax in fp32), against fp64. The trace on screen is %s%s.",
                     state.trace().computed_in.c_str(), s.variants.precision ? " (the scenario's precision)" : "");
  SideTrace traces[4];
  bool ready = true;
  for (int f = 0; f < 4; ++f) {
    traces[f] = format_trace(state, view, formats[f]);
    ready = ready && traces[f].trace;
  }
  if (!ready) {
    for (const SideTrace& t : traces)
      if (!t.trace) {
        note(t.note.c_str());
        break;
      }
    return;
  }
  // Where a format overflows, that comes first: the scale before or after the product.
  std::optional<Precision> overflowing;
  for (int f = 1; f < 4; ++f)
    if (!traces[f].trace->nonfinite.empty() && (!overflowing || formats[f].precision == s.variants.precision))
      overflowing = formats[f].precision;
  if (overflowing) {
    overflow_section(state, view, *overflowing);
  } else {
    note("Nothing overflows in any format here; the fp16_overflow preset has products past fp16's 65504.");
    ImGui::SameLine();
    if (ImGui::SmallButton("load it")) load_preset(state, view, "fp16_overflow");
    widget_rects().record_last_item("view.precision.preset");
  }
  ImGui::Separator();
  head_selector(state, view);
  int& stage = view.variants.precision_stage;
  if (auto c = choose("view.precision.stage", "stage", {stage_names, stage_names + 5}, stage)) stage = *c;
  const float quarter = ImGui::GetContentRegionAvail().x / 4 - 8;
  const int head = view.head;
  const core::Trace& exact = *traces[0].trace;
  const bool per_head = stage < 4;
  const auto* cols = stage == 3 || stage == 4 ? nullptr : &s.keys().tokens;
  const core::AllowMatrix* allowed = stage <= 2 ? &exact.allowed : nullptr;
  // One of a row of small maps, a quarter of the width each, no legend (the row shares its colours).
  const auto small_map = [&](bool same_line, HeatmapSpec& spec, std::string register_id) {
    if (same_line) ImGui::SameLine();
    ImGui::BeginGroup();
    spec.max_width = quarter;
    spec.max_height = 9 * ImGui::GetFontSize();
    spec.legend = false;
    spec.register_id = std::move(register_id);
    draw_heatmap(view.heatmaps, spec);
    ImGui::EndGroup();
  };
  for (int f = 0; f < 4; ++f) {
    const std::string id = std::string("##prec_") + formats[f].name;
    HeatmapSpec spec{id.c_str(), std::string(formats[f].name) + " " + stage_names[stage] + (per_head ? ", head " + std::to_string(head) : ""),
                     &stage_matrix(*traces[f].trace, stage, head), &s.query.tokens, cols, allowed,
                     stage == 2 ? ColorMap::sequential : ColorMap::diverging};
    if (stage == 2) spec.range = ColorRange::unit;
    small_map(f > 0, spec, std::string("view.precision.") + formats[f].name);
  }
  ImGui::TextDisabled("correct significant digits against fp64: white 0 … dark blue 8 or more; magenta: ±inf or NaN");
  for (int f = 1; f < 4; ++f) {
    const std::string key = std::string("digits.") + formats[f].name + "." + std::to_string(stage) + "." + std::to_string(head);
    const core::Matrix& digits = derived_matrix(view.variants, state, key, [&] {
      return core::correct_digits(stage_matrix(*traces[f].trace, stage, head), stage_matrix(exact, stage, head));
    });
    const std::string id = std::string("##digits_") + formats[f].name;
    HeatmapSpec spec{id.c_str(), std::string(formats[f].name) + ": digits", &digits, &s.query.tokens, cols, allowed, ColorMap::sequential};
    spec.range = ColorRange::user;
    spec.user_lo = 0;
    spec.user_hi = 8;
    small_map(f > 1, spec, std::string("view.precision.digits.") + formats[f].name);
  }
  std::vector<std::vector<core::StageError>> errors;
  for (int f = 1; f < 4; ++f) errors.push_back(core::stage_errors(*traces[f].trace, exact));
  error_table(errors);
  widget_rects().record_last_item("view.precision.errors");
  for (int f = 1; f < 4; ++f) {
    const core::Trace& t = *traces[f].trace;
    draw_nonfinite_note(core::summarize_nonfinite(t), t.computed_in, std::string("the ") + formats[f].name + " trace",
                        std::string("view.precision.nonfinite.") + formats[f].name);
  }
}

}  // namespace ap::ui
