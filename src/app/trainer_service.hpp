// The training lab's TrainingService over train::Trainer: the main run and the scaling race, each advanced a
// frame's budget at a time on the UI thread (a step of these models takes well under a millisecond), and their
// state copied into the plain structs the lab draws.
#pragma once

#include <memory>
#include <vector>

#include "train/trainer.hpp"
#include "ui/training_service.hpp"

namespace ap::app {

class TrainerService final : public ui::TrainingService {
 public:
  std::vector<ui::TrainingTask> tasks() const override;
  std::optional<core::Error> start(const ui::TrainingSettings& settings) override;
  void run(bool running) override;
  void step_once() override;
  void reset() override;
  std::optional<core::Error> start_race(const ui::TrainingSettings& settings) override;
  bool advance(double budget_ms) override;
  const ui::TrainingRun* main_run() const override { return main_ ? &main_->view : nullptr; }
  const std::vector<ui::TrainingRun>& race() const override { return race_views_; }
  void set_ablated(int layer, int head, bool ablated) override;
  std::optional<core::Scenario> layer_scenario(int layer) override;

 private:
  struct Run {
    std::unique_ptr<train::Trainer> trainer;
    ui::TrainingRun view;
    int refreshed_at = -1;  // step of the last copy of the weights
  };
  static std::optional<core::Error> make(const ui::TrainingSettings& settings, int d_k, Run& run);
  static void refresh(Run& run, bool maps);

  std::unique_ptr<Run> main_;
  std::vector<Run> race_runs_;
  std::vector<ui::TrainingRun> race_views_;
};

}  // namespace ap::app
