// attention-cli: run a scenario, list backends, benchmark them (SPEC §2).
// Exit 0 on success, 2 on bad input or arguments with a one-line message on stderr; never a crash.
#include <fstream>
#include <iostream>
#include <iterator>
#include <cstdlib>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/bench.hpp"
#include "cli/grad_command.hpp"
#include "cli/train_command.hpp"
#include "core/error.hpp"
#include "io/scenario_json.hpp"
#include "io/trace_json.hpp"
#include "kernels/registry.hpp"

namespace {

std::string read_input(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ap::core::InputError("FILE", "cannot open \"" + path + "\"");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

int run_command(const std::string& path, const std::string& backend, const std::string& rows) {
  if (!ap::kernels::has_backend(backend))
    throw ap::core::InputError("--backend", "unknown backend \"" + backend + "\" (see `attention-cli backends`)");
  const ap::core::Scenario scenario = ap::io::parse_scenario(read_input(path));
  if (!rows.empty()) {  // some query rows only: the whole layer is computed, a few of its rows printed
    std::vector<int> picked;
    for (const auto& item : split_commas(rows)) {
      char* end = nullptr;
      const long value = std::strtol(item.c_str(), &end, 10);
      if (end == item.c_str() || *end != '\0' || value < 0 || value > 1 << 30)
        throw ap::core::InputError("--rows", "expected row numbers separated by commas, got \"" + item + "\"");
      picked.push_back(static_cast<int>(value));
    }
    std::cout << ap::io::trace_rows_to_json(ap::kernels::run_backend(backend, scenario), picked).dump() << "\n";
    return 0;
  }
  ap::core::check_full_trace(scenario);  // every head is printed
  std::cout << ap::io::trace_to_json(ap::kernels::run_backend(backend, scenario)).dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"attention-cli: the Attention Playground's numeric core on the command line"};
  app.require_subcommand(1);

  std::string path, backend = "reference";
  auto* run = app.add_subcommand("run", "compute a scenario and print its trace as JSON");
  run->add_option("FILE", path, "scenario JSON file, or - for standard input")->required();
  run->add_option("--backend", backend, "backend to compute with (default: reference)");
  std::string rows;
  run->add_option("--rows", rows, "print only these query rows, comma-separated (the whole layer is still computed)");

  auto* backends = app.add_subcommand("backends", "list the backends of this build, one a line");

  auto* grad = app.add_subcommand("grad", "the gradients of sum(output * d_output) as JSON");
  grad->add_option("FILE", path, "scenario JSON file, or - for standard input")->required();
  grad->add_option("--backend", backend, "backend with a backward pass: reference, simd, tiled (default: reference)");

  ap::cli::TrainOptions train_options;
  ap::cli::add_train_command(app, train_options);

  ap::cli::BenchOptions bench_options;
  std::string bench_backends;
  auto* bench = app.add_subcommand("bench", "time each backend on the same random inputs");
  bench->add_option("--n", bench_options.n, "tokens");
  bench->add_option("--d-model", bench_options.d_model, "model width");
  bench->add_option("--heads", bench_options.heads, "heads");
  bench->add_option("--backends", bench_backends, "comma-separated backends (default: all)");
  bench->add_option("--repeat", bench_options.repeat, "runs per backend (the median is reported)");
  bench->add_option("--seed", bench_options.seed, "random seed");
  bench->add_option("--warmup", bench_options.warmup, "untimed runs per backend before the timed ones (default 1)");
  bench->add_option("--threads", bench_options.threads, "threads a backend may use (default 1; simd and tiled use them)");
  bench->add_flag("--attention-only", bench_options.attention_only,
                  "time per-head attention on precomputed random Q, K, V (no projections), with its peak memory");
  bench->add_flag("--matmul-only", bench_options.matmul_only,
                  "time one projection's product (N x d_model times d_model x d_model) through each kernel's matmul");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "attention-cli: " << e.what() << "\n";
    return 2;
  }
  try {
    if (*run) return run_command(path, backend, rows);
    if (*grad) return ap::cli::grad_command(read_input(path), backend, std::cout);
    if (*train_options.command) return ap::cli::train_command(train_options, std::cout);
    if (*backends) {
      for (const auto& name : ap::kernels::backend_names()) std::cout << name << "\n";
      return 0;
    }
    if (*bench) {
      bench_options.backends = split_commas(bench_backends);
      ap::cli::run_bench(bench_options, std::cout);
      return 0;
    }
  } catch (const ap::core::InputError& e) {
    std::cerr << "attention-cli: " << e.error.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "attention-cli: " << e.what() << "\n";
    return 2;
  }
  return 2;
}
