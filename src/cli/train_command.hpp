// `attention-cli train` (SPEC §2): train a small attention model on a synthetic task and print its progress
// and result as JSON lines; `train --list` names the tasks; `train --scaling` runs the scaling experiment.
// Depends on train and io; CLI11 only to declare the options.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "train/trainer.hpp"

namespace ap::cli {

struct TrainOptions {
  CLI::App* command = nullptr;
  train::TrainConfig config;
  std::string task, scale = "inv_sqrt_dk", optimizer = "adamw", scaling_d_k = "16,256";
  bool list = false, scaling = false;
};

// Declares the subcommand and its options on app, bound to options.
void add_train_command(CLI::App& app, TrainOptions& options);

// Runs what the options ask for; returns 0. Bad arguments throw core::InputError naming the option.
int train_command(TrainOptions& options, std::ostream& out);

}  // namespace ap::cli
