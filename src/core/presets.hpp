// Scenarios from the attention literature, for the playground's preset menu and the tests.
#pragma once

#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace ap::core {

struct PresetInfo {
  std::string id;     // stable name: "classic", "orthogonal", ...
  std::string title;  // what the menu shows
  std::string story;  // one or two sentences the guided tour tells
};

const std::vector<PresetInfo>& presets();

// Throws InputError for an unknown id. `seed` is used by "random" only.
Scenario make_preset(const std::string& id, unsigned seed = 1);

}  // namespace ap::core
