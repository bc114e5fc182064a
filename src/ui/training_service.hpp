// What the training lab needs from the trainer (src/train, which the UI may not see): start a run, advance it a
// frame's worth at a time, read what it learned as plain data, ablate a head, open a trained layer as a scenario.
// The app implements it over train::Trainer (app/trainer_service.cpp); the numbers all come from there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/matrix.hpp"
#include "core/scenario.hpp"

namespace ap::ui {

struct TrainingTask {
  std::string name, description;
};

// window.playground.trainStart's options (SPEC §3): 0 or empty means the task's default.
struct TrainingSettings {
  std::string task = "induction";
  int steps = 0;
  unsigned long long seed = 1;
  int layers = 0, heads = 0, d_model = 0;
  bool scaled = true;  // scores × 1/√d_k, or unscaled
  double lr = 0;
};

struct TrainingPoint {
  int step = 0;
  double loss = 0, eval_loss = 0, accuracy = 0, mean_entropy = 0;
  double grad_norm_w_q = 0, grad_norm_w_k = 0, previous_token = 0, prefix_match = 0;
};

struct TrainingHead {
  int layer = 0, head = 0;
  std::optional<double> previous_token, prefix_match;
  bool ablated = false;
};

// One run as the lab draws it.
struct TrainingRun {
  std::string label;               // "scaled, d_k = 16"
  TrainingSettings settings;       // as resolved (no zeros left)
  int step = 0;
  bool running = false, finished = false, diverged = false, learned = false;
  double loss = 0, accuracy = 0, eval_loss = 0;  // latest
  std::vector<TrainingPoint> history;
  std::vector<TrainingHead> heads;
  // every head's weights on a held-out sequence, [layer · heads + head]: N × M, with the sequence's labels
  std::vector<core::Matrix> weights;
  std::vector<std::string> tokens, keys;
  int layers = 0, heads_per_layer = 0;
  unsigned revision = 0;           // bumped whenever any of the above changes (heatmaps cache on it)
};

class TrainingService {
 public:
  virtual ~TrainingService() = default;
  virtual std::vector<TrainingTask> tasks() const = 0;
  // A new main run (stopped until run(true)); an error names the setting.
  virtual std::optional<core::Error> start(const TrainingSettings& settings) = 0;
  virtual void run(bool running) = 0;  // train / pause
  virtual void step_once() = 0;        // one optimizer step, paused or not
  virtual void reset() = 0;            // drops every run
  // The scaling race: the main run's task and seed, 1/√d_k against none, at d_k = 16 and 256 (four runs).
  virtual std::optional<core::Error> start_race(const TrainingSettings& settings) = 0;
  // Gives the runs that are training up to budget_ms of this frame; true when something changed.
  virtual bool advance(double budget_ms) = 0;
  virtual const TrainingRun* main_run() const = 0;  // null before start()
  virtual const std::vector<TrainingRun>& race() const = 0;
  // Zeroes (or restores) a head of the main run; its held-out loss is evaluated again at once.
  virtual void set_ablated(int layer, int head, bool ablated) = 0;
  // A trained layer of the main run on its held-out sequence, as a scenario every view can open.
  virtual std::optional<core::Scenario> layer_scenario(int layer) = 0;
};

}  // namespace ap::ui
