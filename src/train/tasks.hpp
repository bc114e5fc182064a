// The synthetic tasks the trainer learns: what a sequence looks like, what is predicted at each position,
// the model and training defaults, and the thresholds that say a run has learned it. Data comes only from a
// train::Rng, so one seed gives the same sequences on every platform. No I/O.
#pragma once

#include <string>
#include <vector>

#include "train/rng.hpp"

namespace ap::train {

// One sequence. Query tokens are ids in [0, vocab); a label in [0, outputs) is predicted at each position
// whose target is not −1. Cross-attention tasks add a context of M (key, value) pairs.
struct Example {
  std::vector<int> tokens;          // N
  std::vector<int> targets;         // N, −1 where nothing is predicted
  std::vector<int> context_keys;    // M keys in [0, vocab) (cross-attention tasks only)
  std::vector<int> context_values;  // M values in [0, values)
};

struct Task;
using ExampleMaker = Example (*)(const Task& task, Rng& rng);

struct Task {
  std::string name;
  std::string description;
  int vocab = 0;           // query tokens (and context keys)
  int values = 0;          // context values: 0 unless the task cross-attends
  int outputs = 0;         // classes predicted
  int length = 0;          // N, tokens per sequence
  int context_length = 0;  // M; 0: self-attention with a causal mask, else every layer cross-attends
  // defaults of the model and of training
  int layers = 1, heads = 2, d_model = 32, steps = 500;
  double lr = 1e-2;
  // learned means: held-out accuracy ≥ accuracy_threshold and, where > 0, some head's score at or above
  double accuracy_threshold = 0.9;
  double previous_token_threshold = 0;
  double prefix_match_threshold = 0;
  ExampleMaker make = nullptr;

  bool cross() const { return context_length > 0; }
};

// previous_token, induction, lookup (cross-attention), running_max.
const std::vector<Task>& task_list();
// Null for an unknown name.
const Task* find_task(const std::string& name);

// Labels for scenarios and views: query tokens ("a", "b", ...), context pairs ("C=7"), outputs.
std::string token_label(const Task& task, int token);
std::string context_label(const Task& task, int key, int value);
std::string output_label(const Task& task, int output);

}  // namespace ap::train
