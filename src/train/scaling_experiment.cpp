// The scaling experiment (see scaling_experiment.hpp).
#include "train/scaling_experiment.hpp"

namespace ap::train {

std::vector<ScalingRun> run_scaling_experiment(const ScalingConfig& config,
                                               const std::function<void(const ScalingRun&, const HistoryPoint&)>& on_point) {
  std::vector<ScalingRun> runs;
  for (const int d_k : config.d_k_values)
    for (const core::ScaleKind scale : {core::ScaleKind::inv_sqrt_dk, core::ScaleKind::none}) {
      TrainConfig c = config.base;
      c.d_k = d_k;
      c.scale = scale;
      Trainer trainer(c);
      ScalingRun run;
      run.d_k = d_k;
      run.scale = scale;
      std::size_t reported = 0;
      const auto report = [&] {
        for (; reported < trainer.history().size(); ++reported) {
          run.history.push_back(trainer.history()[reported]);
          if (on_point) on_point(run, run.history.back());
        }
      };
      report();
      while (!trainer.finished()) {
        trainer.step();
        report();
      }
      run.final = trainer.last_evaluation();
      run.diverged = trainer.diverged();
      runs.push_back(std::move(run));
    }
  return runs;
}

}  // namespace ap::train
