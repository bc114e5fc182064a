// attention-cli: run a scenario, list backends, benchmark them (SPEC §2).
// Exit 0 on success, 2 on bad input or arguments, or when the output cannot be written, with a one-line
// message on stderr; never a crash: main is the boundary where everything thrown is caught.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/bench.hpp"
#include "cli/grad_command.hpp"
#include "cli/train_command.hpp"
#include "core/error.hpp"
#include "core/limits.hpp"
#include "io/scenario_json.hpp"
#include "io/trace_json.hpp"
#include "io/user_text.hpp"
#include "kernels/registry.hpp"

namespace {

using ap::core::InputError;

// FILE's name in a message (a path gets more room than other user text).
std::string file_name(const std::string& path) {
  return path == "-" ? std::string("standard input") : ap::io::quote_user_text(path, 240);
}

std::string reason(int error) { return error ? std::string(" (") + std::strerror(error) + ")" : std::string(); }

// The text of FILE, or of standard input for "-". Read in chunks and refused as soon as it passes the size
// limit of a scenario, whatever the source: a device or a pipe may never end (/dev/zero, an endless stdin).
std::string read_input(const std::string& path) {
  constexpr std::size_t limit = ap::core::limits::max_json_bytes;
  struct stat info {};
  if (path != "-" && ::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) throw InputError("FILE", file_name(path) + " is a directory (expected a scenario JSON file)");
    if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > limit)
      throw InputError("FILE", file_name(path) + " is " + std::to_string(info.st_size) + " bytes, over the limit of " +
                                   std::to_string(limit) + " for a scenario");
  }
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!file) throw InputError("FILE", "cannot open " + file_name(path) + reason(errno));
  std::string text;
  std::string chunk(std::size_t{1} << 16, '\0');
  std::size_t got = 0;
  while ((got = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) {
    if (text.size() + got > limit) {
      if (file != stdin) std::fclose(file);
      throw InputError("FILE", file_name(path) + " holds more than " + std::to_string(limit) +
                                   " bytes, the limit of a scenario (reading stopped there)");
    }
    text.append(chunk, 0, got);
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  if (file != stdin) std::fclose(file);
  if (failed) throw InputError("FILE", "cannot read " + file_name(path) + reason(error));
  return text;
}

// Everything printed must have reached standard output (a full disk, a closed pipe): else exit status 2.
int finish_output() {
  errno = 0;
  std::cout.flush();
  if (std::cout) return 0;
  std::cerr << "attention-cli: cannot write the output to standard output" << reason(errno) << "\n";
  return 2;
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
    throw InputError("--backend", "unknown backend " + ap::io::quote_user_text(backend) + " (see `attention-cli backends`)");
  const ap::core::Scenario scenario = ap::io::parse_scenario(read_input(path));
  if (!rows.empty()) {  // some query rows only: the whole layer is computed, a few of its rows printed
    std::vector<int> picked;
    for (const auto& item : split_commas(rows)) {
      char* end = nullptr;
      const long value = std::strtol(item.c_str(), &end, 10);
      if (end == item.c_str() || *end != '\0' || value < 0 || value > 1 << 30)
        throw InputError("--rows", "expected row numbers separated by commas, got " + ap::io::quote_user_text(item));
      picked.push_back(static_cast<int>(value));
    }
    std::cout << ap::io::trace_rows_to_json(ap::kernels::run_backend(backend, scenario), picked).dump() << "\n";
    return finish_output();
  }
  ap::core::check_full_trace(scenario);  // every head is printed
  std::cout << ap::io::trace_to_json(ap::kernels::run_backend(backend, scenario)).dump() << "\n";
  return finish_output();
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
  } catch (const std::exception& e) {
    std::cerr << "attention-cli: " << e.what() << "\n";
    return 2;
  }
  try {
    if (*run) return run_command(path, backend, rows);
    if (*grad) {
      const int status = ap::cli::grad_command(read_input(path), backend, std::cout);
      return status != 0 ? status : finish_output();
    }
    if (*train_options.command) {
      const int status = ap::cli::train_command(train_options, std::cout);
      return status != 0 ? status : finish_output();
    }
    if (*backends) {
      for (const auto& name : ap::kernels::backend_names()) std::cout << name << "\n";
      return finish_output();
    }
    if (*bench) {
      bench_options.backends = split_commas(bench_backends);
      ap::cli::run_bench(bench_options, std::cout);
      return finish_output();
    }
  } catch (const InputError& e) {
    std::cerr << "attention-cli: " << e.error.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << "attention-cli: out of memory: this machine cannot allocate what the command needs\n";
  } catch (const std::exception& e) {
    std::cerr << "attention-cli: unexpected error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "attention-cli: unexpected error\n";
  }
  return 2;
}
