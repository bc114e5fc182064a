// Test driver for tests/io/export_torch_check.py (native only):
//   export_torch_tool FILE          the "copy as PyTorch" script (io::scenario_to_torch_script) of a scenario
//                                   file, or of a golden case file ({name, scenario, expected}: its scenario)
//   export_torch_tool --random SEED a golden-like case {name, scenario, expected: {output}} for a seeded random
//                                   scenario (tests/support/random_scenario.hpp: odd shapes, d_k ≠ d_v, every
//                                   mask kind by turn, any positional), its output from core's reference
//   export_torch_tool --npy-sample  io::write_npy of a fixed 3 × 4 matrix, for NumPy to read back
// Exit 0 on success, 2 with a one-line message on standard error otherwise.
#include <iostream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/pipeline.hpp"
#include "io/export.hpp"
#include "io/npy.hpp"
#include "io/scenario_json.hpp"
#include "support/files.hpp"
#include "support/random_scenario.hpp"

namespace {

nlohmann::json random_case(unsigned seed) {
  std::mt19937 rng(seed);
  const auto kinds = ap::test::all_mask_kinds();
  const auto kind = kinds[seed % kinds.size()];
  ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, seed % 2 == 1));
  s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
  s.positional = ap::test::random_positional(rng, s);
  if (seed % 3 == 0) s.scale = {ap::core::ScaleKind::multiplier, 0.37};
  if (seed % 3 == 1) s.scale = {ap::core::ScaleKind::none, 1.0};
  ap::core::validate_scenario(s);
  const auto trace = ap::core::compute_reference(s);
  return {{"name", "random_" + std::to_string(seed) + " (" + ap::test::mask_kind_name(kind) + ")"},
          {"scenario", ap::io::scenario_to_json(s)},
          {"expected", {{"output", ap::io::matrix_to_json(trace.output)}}}};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string first = argc > 1 ? argv[1] : "";
  try {
    if (argc == 3 && first == "--random") {
      std::cout << random_case(static_cast<unsigned>(std::stoul(argv[2]))).dump() << "\n";
      return 0;
    }
    if (argc == 2 && first == "--npy-sample") {
      ap::core::Matrix m(3, 4);
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) m(i, j) = (i * 4 + j - 5.5) / 3;
      m(2, 3) = -0.0;
      std::cout << ap::io::write_npy(m);
      return 0;
    }
    if (argc != 2) {
      std::cerr << "usage: export_torch_tool FILE | --random SEED | --npy-sample\n";
      return 2;
    }
    const std::string text = ap::test::read_text_file(first);
    const auto doc = nlohmann::json::parse(text);
    const auto scenario = doc.contains("scenario") ? ap::io::scenario_from_json(doc.at("scenario"))
                                                   : ap::io::parse_scenario(text);
    std::cout << ap::io::scenario_to_torch_script(scenario);
    return 0;
  } catch (const ap::core::InputError& e) {
    std::cerr << first << ": " << e.error.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << first << ": " << e.what() << "\n";
  }
  return 2;
}
