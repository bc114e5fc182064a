// `attention-cli grad` (see grad_command.hpp).
#include "cli/grad_command.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "io/gradients_json.hpp"
#include "io/scenario_json.hpp"
#include "io/user_text.hpp"
#include "kernels/registry.hpp"

namespace ap::cli {

int grad_command(const std::string& scenario_text, const std::string& backend, std::ostream& out) {
  const auto names = kernels::grad_backend_names();
  if (std::find(names.begin(), names.end(), backend) == names.end()) {  // named here, quoted like all user text
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    const std::string name = io::quote_user_text(backend);
    const std::string why = kernels::has_backend(backend) ? name + " has no backward pass" : "unknown backend " + name;
    throw core::InputError("--backend", why + " (gradients run on " + list + ")");
  }
  const core::Scenario scenario = io::parse_scenario(scenario_text);
  out << io::gradients_to_json(kernels::run_grad_backend(backend, scenario)).dump() << "\n";
  return 0;
}

}  // namespace ap::cli
