// A playground for null-UI tests: the double reference as the compute service, the app state on a scenario, and
// Dear ImGui's null backend at a window size (1280 × 800 unless given), two frames drawn.
#pragma once

#include <utility>

#include "core/scenario.hpp"
#include "support/reference_service.hpp"
#include "ui/app_state.hpp"
#include "ui/null_ui.hpp"

namespace ap::test {

struct Playground {
  ReferenceService service;
  ui::AppState state;
  NullUi ui;
  explicit Playground(core::Scenario s, float w = 1280, float h = 800) : state(service, std::move(s)), ui(w, h) {
    ui.frames(state, 2);
  }
};

}  // namespace ap::test
