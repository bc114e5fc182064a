// `attention-cli grad` (see grad_command.hpp).
#include "cli/grad_command.hpp"

#include "io/gradients_json.hpp"
#include "io/scenario_json.hpp"
#include "kernels/registry.hpp"

namespace ap::cli {

int grad_command(const std::string& scenario_text, const std::string& backend, std::ostream& out) {
  kernels::require_grad_backend(backend, "--backend");
  const core::Scenario scenario = io::parse_scenario(scenario_text);
  out << io::gradients_to_json(kernels::run_grad_backend(backend, scenario)).dump() << "\n";
  return 0;
}

}  // namespace ap::cli
