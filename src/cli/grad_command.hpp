// `attention-cli grad FILE [--backend NAME]` (SPEC §2): the gradients of L = Σ output ⊙ G as one JSON object.
// Depends on core, kernels and io; main.cpp reads the file.
#pragma once

#include <ostream>
#include <string>

namespace ap::cli {

// Parses the scenario text, computes its gradients on the backend and prints them as one line; returns 0.
// Bad input or an unknown backend (or one without a backward pass) throws core::InputError.
int grad_command(const std::string& scenario_text, const std::string& backend, std::ostream& out);

}  // namespace ap::cli
