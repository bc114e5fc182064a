// The side-trace cache (see side_traces.hpp).
#include "ui/side_traces.hpp"

#include <cstdio>

#include <imgui.h>

#include "core/pipeline.hpp"

namespace ap::ui {

SideTrace side_trace(SideTraces& cache, const AppState& state, const std::string& key,
                     const std::function<void(core::Scenario&)>& vary) {
  if (cache.scenario_revision != state.scenario_revision()) {
    cache.traces.clear();
    cache.refusals.clear();
    cache.scenario_revision = state.scenario_revision();
  }
  if (const auto it = cache.traces.find(key); it != cache.traces.end()) return {&it->second, ""};
  if (const auto it = cache.refusals.find(key); it != cache.refusals.end()) return {nullptr, it->second};
  core::Scenario varied = state.scenario();
  vary(varied);
  if (!core::side_trace_affordable(varied)) {
    char why[200];
    std::snprintf(why, sizeof why,
                  "not computed: this comparison computes the layer once more, %.3g multiply-adds, and a view does "
                  "that only up to %.0e within a frame (fewer tokens, a smaller d_model or fewer heads)",
                  core::layer_multiply_adds(varied), core::side_trace_budget);
    return {nullptr, cache.refusals[key] = why};
  }
  if (cache.frame_computed == ImGui::GetFrameCount()) return {nullptr, "computing…"};  // one a frame
  cache.frame_computed = ImGui::GetFrameCount();
  try {
    core::validate_scenario(varied);
    return {&(cache.traces[key] = core::compute_reference(varied)), ""};
  } catch (const core::InputError& e) {
    return {nullptr, cache.refusals[key] = "not computed: " + e.error.what()};
  }
}

const core::Matrix& derived_matrix(VariantViewState& v, const AppState& state, const std::string& key,
                                   const std::function<core::Matrix()>& make) {
  if (v.derived_revision != state.revision()) {  // a new result may change what is derived from the trace
    v.derived.clear();
    v.derived_revision = state.revision();
  }
  const auto it = v.derived.find(key);
  if (it != v.derived.end()) return it->second;
  return v.derived[key] = make();
}

}  // namespace ap::ui
