// The message core::validate_scenario refuses a scenario with, for tests of validation. Depends on core only.
#pragma once

#include <string>

#include "core/error.hpp"
#include "core/scenario.hpp"

namespace ap::test {

// The message validate_scenario throws, or "" when it accepts.
inline std::string refusal(const core::Scenario& s) {
  try {
    core::validate_scenario(s);
  } catch (const core::InputError& e) {
    return e.error.what();
  }
  return "";
}

}  // namespace ap::test
