// `attention-cli train` (see train_command.hpp).
#include "cli/train_command.hpp"

#include <chrono>
#include <sstream>

#include "core/error.hpp"
#include "io/scenario_json.hpp"
#include "train/scaling_experiment.hpp"

namespace ap::cli {

using nlohmann::json;

namespace {

// A config field's name as the option that sets it: "d_model" → "--d-model".
std::string option_name(std::string field) {
  for (char& c : field)
    if (c == '_') c = '-';
  return "--" + field;
}

core::ScaleKind parse_scale(const std::string& text) {
  if (text == "inv_sqrt_dk") return core::ScaleKind::inv_sqrt_dk;
  if (text == "none") return core::ScaleKind::none;
  throw core::InputError("--scale", "expected inv_sqrt_dk or none, got \"" + text + "\"");
}

std::string scale_name(core::ScaleKind kind) { return kind == core::ScaleKind::none ? "none" : "inv_sqrt_dk"; }

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json head_scores_json(const train::Evaluation& e) {
  json scores = json::array();
  for (const auto& h : e.heads)
    scores.push_back({{"layer", h.layer}, {"head", h.head}, {"previous_token", optional_number(h.previous_token)},
                      {"prefix_match", optional_number(h.prefix_match)}});
  return scores;
}

json point_json(const train::HistoryPoint& p) {
  return {{"step", p.step},           {"loss", p.loss},
          {"accuracy", p.accuracy},   {"eval_loss", p.eval_loss},
          {"previous_token", p.previous_token}, {"prefix_match", p.prefix_match}};
}

// Whether the run reached the task's thresholds: accuracy and, where the task asks, some head's score.
bool learned(const train::Task& task, const train::Evaluation& e) {
  double best_previous = 0, best_prefix = 0;
  for (const auto& h : e.heads) {
    best_previous = std::max(best_previous, h.previous_token.value_or(0));
    best_prefix = std::max(best_prefix, h.prefix_match.value_or(0));
  }
  return e.accuracy >= task.accuracy_threshold && best_previous >= task.previous_token_threshold &&
         best_prefix >= task.prefix_match_threshold;
}

json thresholds_json(const train::Task& t) {
  json j = {{"accuracy", t.accuracy_threshold}};
  if (t.previous_token_threshold > 0) j["previous_token"] = t.previous_token_threshold;
  if (t.prefix_match_threshold > 0) j["prefix_match"] = t.prefix_match_threshold;
  return j;
}

void list_tasks(std::ostream& out) {
  for (const train::Task& t : train::task_list())
    out << json{{"task", t.name},       {"description", t.description}, {"layers", t.layers},
                {"heads", t.heads},     {"d_model", t.d_model},         {"steps", t.steps},
                {"lr", t.lr},           {"cross_attention", t.cross()}, {"thresholds", thresholds_json(t)}}
               .dump()
        << "\n";
}

std::vector<int> parse_d_k_list(const std::string& list) {
  std::vector<int> values;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || v < 1 || v > 1024)
      throw core::InputError("--scaling-d-k", "expected a comma-separated list of d_k from 1 to 1024, got \"" + list + "\"");
    values.push_back(v);
  }
  if (values.empty()) throw core::InputError("--scaling-d-k", "expected at least one d_k");
  return values;
}

void run_scaling(const train::TrainConfig& base, const std::vector<int>& d_k_values, std::ostream& out) {
  train::ScalingConfig config{base, d_k_values};
  const auto on_point = [&](const train::ScalingRun& run, const train::HistoryPoint& p) {
    out << json{{"d_k", run.d_k},
                {"scale", scale_name(run.scale)},
                {"step", p.step},
                {"loss", p.loss},
                {"eval_loss", p.eval_loss},
                {"accuracy", p.accuracy},
                {"entropy", p.mean_entropy},
                {"grad_norm_w_q", p.grad_norm_w_q},
                {"grad_norm_w_k", p.grad_norm_w_k}}
               .dump()
        << std::endl;
  };
  for (const auto& run : train::run_scaling_experiment(config, on_point))
    out << json{{"summary", true},
                {"diverged", run.diverged},
                {"d_k", run.d_k},
                {"scale", scale_name(run.scale)},
                {"eval_loss", run.final.loss},
                {"accuracy", run.final.accuracy},
                {"entropy", run.final.mean_entropy},
                {"head_scores", head_scores_json(run.final)}}
               .dump()
        << "\n";
}

}  // namespace

void add_train_command(CLI::App& app, TrainOptions& o) {
  o.command = app.add_subcommand("train", "train a small attention model on a synthetic task (JSON lines)");
  CLI::App* t = o.command;
  t->add_option("--task", o.task, "task to learn (see --list)");
  t->add_option("--steps", o.config.steps, "optimizer steps (default: the task's)");
  t->add_option("--seed", o.config.seed, "seed of the data and the initial weights (default 1)");
  t->add_option("--layers", o.config.layers, "attention layers (default: the task's)");
  t->add_option("--heads", o.config.heads, "heads per layer (default: the task's)");
  t->add_option("--d-model", o.config.d_model, "residual stream width (default: the task's)");
  t->add_option("--d-k", o.config.d_k, "query/key width per head (default: d_model / heads)");
  t->add_option("--scale", o.scale, "inv_sqrt_dk (default) or none");
  t->add_option("--lr", o.config.lr, "learning rate (default: the task's)");
  t->add_option("--optimizer", o.optimizer, "adamw (default), adam or sgd");
  t->add_option("--weight-decay", o.config.weight_decay, "weight decay of the matrices (default 0.01)");
  t->add_option("--batch", o.config.batch, "sequences per step (default 16)");
  t->add_option("--log-every", o.config.log_every, "steps between logged lines (default: steps / 20)");
  t->add_option("--backend", o.config.backend, "float backend: simd (default) or tiled");
  t->add_flag("--list", o.list, "list the tasks, one JSON line each");
  t->add_flag("--scaling", o.scaling, "the scaling experiment: train with and without 1/sqrt(d_k) at each --scaling-d-k");
  t->add_option("--scaling-d-k", o.scaling_d_k, "d_k values of the scaling experiment (default 16,256)");
}

int train_command(TrainOptions& o, std::ostream& out) {
  if (o.list) {
    list_tasks(out);
    return 0;
  }
  if (o.task.empty()) throw core::InputError("--task", "is required (see `attention-cli train --list`)");
  o.config.task = o.task;
  o.config.scale = parse_scale(o.scale);
  if (!train::parse_optimizer(o.optimizer, o.config.optimizer))
    throw core::InputError("--optimizer", "expected adamw, adam or sgd, got \"" + o.optimizer + "\"");
  try {
    if (o.scaling) {
      const std::vector<int> d_k_values = parse_d_k_list(o.scaling_d_k);
      for (const int d_k : d_k_values) {  // every run's config is checked before the first one starts
        train::TrainConfig c = o.config;
        c.d_k = d_k;
        train::resolve_config(c);
      }
      run_scaling(o.config, d_k_values, out);
      return 0;
    }
    const auto start = std::chrono::steady_clock::now();
    train::Trainer trainer(o.config);
    out << point_json(trainer.history().front()).dump() << std::endl;
    std::size_t printed = 1;
    while (!trainer.finished()) {
      trainer.step();
      for (; printed < trainer.history().size(); ++printed) out << point_json(trainer.history()[printed]).dump() << std::endl;
    }
    const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
    const train::HistoryPoint& last = trainer.history().back();
    const train::Evaluation& e = trainer.last_evaluation();
    json scenarios = json::array();
    for (int l = 0; l < trainer.config().layers; ++l) scenarios.push_back(io::scenario_to_json(trainer.layer_scenario(l)));
    out << json{{"done", true},
                {"task", trainer.task().name},
                {"steps", trainer.steps_done()},
                {"loss", last.loss},
                {"accuracy", e.accuracy},
                {"eval_loss", e.loss},
                {"ms", ms.count()},
                {"learned", !trainer.diverged() && learned(trainer.task(), e)},
                {"diverged", trainer.diverged()},
                {"thresholds", thresholds_json(trainer.task())},
                {"head_scores", head_scores_json(e)},
                {"scenarios", std::move(scenarios)}}
               .dump()
        << "\n";
  } catch (const core::InputError& e) {  // a config field's name → the option's
    if (e.error.field.rfind("--", 0) == 0) throw;
    throw core::InputError(option_name(e.error.field), e.error.message);
  }
  return 0;
}

}  // namespace ap::cli
