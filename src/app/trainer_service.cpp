// The lab's runs (see trainer_service.hpp).
#include "app/trainer_service.hpp"

#include <algorithm>

namespace ap::app {

namespace {

// A new picture of the heads' weights every this many steps: the lab animates without recomputing each frame.
constexpr int steps_between_maps = 10;

ui::TrainingPoint point_of(const train::HistoryPoint& p) {
  return {p.step, p.loss, p.eval_loss, p.accuracy, p.mean_entropy, p.grad_norm_w_q, p.grad_norm_w_k, p.previous_token,
          p.prefix_match};
}

bool learned(const train::Trainer& t) {
  const train::Task& task = t.task();
  const train::Evaluation& e = t.last_evaluation();
  if (e.accuracy < task.accuracy_threshold) return false;
  double best_prev = 0, best_prefix = 0;
  for (const auto& h : e.heads) {
    best_prev = std::max(best_prev, h.previous_token.value_or(0));
    best_prefix = std::max(best_prefix, h.prefix_match.value_or(0));
  }
  return best_prev >= task.previous_token_threshold && best_prefix >= task.prefix_match_threshold;
}

}  // namespace

std::vector<ui::TrainingTask> TrainerService::tasks() const {
  std::vector<ui::TrainingTask> out;
  for (const auto& t : train::task_list()) out.push_back({t.name, t.description});
  return out;
}

std::optional<core::Error> TrainerService::make(const ui::TrainingSettings& s, int d_k, Run& run) {
  train::TrainConfig c;
  c.task = s.task;
  c.steps = s.steps;
  c.seed = s.seed;
  c.layers = s.layers;
  c.heads = s.heads;
  c.d_model = s.d_model;
  c.d_k = d_k;
  c.scale = s.scaled ? core::ScaleKind::inv_sqrt_dk : core::ScaleKind::none;
  c.lr = s.lr;
  try {
    run.trainer = std::make_unique<train::Trainer>(c);
  } catch (const core::InputError& e) {
    return e.error;
  }
  const train::TrainConfig& r = run.trainer->config();
  run.view.settings = {r.task, r.steps, r.seed, r.layers, r.heads, r.d_model, r.scale == core::ScaleKind::inv_sqrt_dk, r.lr};
  refresh(run, true);
  return std::nullopt;
}

void TrainerService::refresh(Run& run, bool maps) {
  train::Trainer& t = *run.trainer;
  ui::TrainingRun& v = run.view;
  v.step = t.steps_done();
  v.finished = t.finished();
  v.diverged = t.diverged();
  if (v.finished) v.running = false;
  v.learned = learned(t);
  v.history.clear();
  for (const auto& p : t.history()) v.history.push_back(point_of(p));
  if (!v.history.empty()) {
    v.loss = v.history.back().loss;
    v.eval_loss = v.history.back().eval_loss;
    v.accuracy = v.history.back().accuracy;
  }
  v.heads.clear();
  for (const auto& h : t.last_evaluation().heads) v.heads.push_back({h.layer, h.head, h.previous_token, h.prefix_match, t.ablated(h.layer, h.head)});
  if (maps) {
    train::AttentionMaps a = t.attention(0);
    v.weights = std::move(a.weights);
    v.tokens = std::move(a.tokens);
    v.keys = std::move(a.keys);
    v.layers = a.layers;
    v.heads_per_layer = a.heads;
    run.refreshed_at = v.step;
  }
  ++v.revision;
}

std::optional<core::Error> TrainerService::start(const ui::TrainingSettings& settings) {
  auto run = std::make_unique<Run>();
  if (auto e = make(settings, 0, *run)) return e;
  run->view.label = "this run";
  main_ = std::move(run);
  return std::nullopt;
}

void TrainerService::run(bool running) {
  if (main_ && !main_->view.finished) main_->view.running = running;
}

void TrainerService::step_once() {
  if (!main_ || main_->trainer->diverged()) return;
  main_->trainer->step();
  refresh(*main_, true);
}

void TrainerService::reset() {
  main_.reset();
  race_runs_.clear();
  race_views_.clear();
}

std::optional<core::Error> TrainerService::start_race(const ui::TrainingSettings& settings) {
  std::vector<Run> runs;
  for (const int d_k : {16, 256})
    for (const bool scaled : {true, false}) {
      ui::TrainingSettings s = settings;
      s.scaled = scaled;
      Run run;
      if (auto e = make(s, d_k, run)) return e;
      run.view.label = std::string(scaled ? "÷√d_k" : "unscaled") + ", d_k = " + std::to_string(d_k);
      run.view.running = true;
      runs.push_back(std::move(run));
    }
  race_runs_ = std::move(runs);
  race_views_.clear();
  for (const auto& r : race_runs_) race_views_.push_back(r.view);
  return std::nullopt;
}

bool TrainerService::advance(double budget_ms) {
  bool changed = false;
  std::vector<Run*> active;
  if (main_ && main_->view.running) active.push_back(main_.get());
  for (auto& r : race_runs_)
    if (r.view.running) active.push_back(&r);
  if (active.empty()) return false;
  const double share = budget_ms / static_cast<double>(active.size());
  for (Run* r : active) {
    const int before = r->trainer->steps_done();
    r->trainer->train_for(1 << 20, share);
    const bool maps = r->trainer->steps_done() - r->refreshed_at >= steps_between_maps || r->trainer->finished();
    if (r->trainer->steps_done() != before) {
      refresh(*r, maps);
      changed = true;
    }
  }
  for (std::size_t i = 0; i < race_runs_.size(); ++i) race_views_[i] = race_runs_[i].view;
  return changed;
}

void TrainerService::set_ablated(int layer, int head, bool ablated) {
  if (!main_) return;
  main_->trainer->set_ablated(layer, head, ablated);
  const train::Evaluation e = main_->trainer->evaluate();  // the loss answers at once
  refresh(*main_, true);
  main_->view.eval_loss = e.loss;
  main_->view.accuracy = e.accuracy;
  for (auto& h : main_->view.heads)
    for (const auto& fresh : e.heads)
      if (h.layer == fresh.layer && h.head == fresh.head) {
        h.previous_token = fresh.previous_token;
        h.prefix_match = fresh.prefix_match;
      }
}

std::optional<core::Scenario> TrainerService::layer_scenario(int layer) {
  if (!main_ || layer < 0 || layer >= main_->view.settings.layers) return std::nullopt;
  return main_->trainer->layer_scenario(layer);
}

}  // namespace ap::app
