// The trainer (see trainer.hpp).
//
// [SECTION] configuration
// [SECTION] training
// [SECTION] evaluation and head scores
// [SECTION] views of the trained model
#include "train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "kernels/registry.hpp"

namespace ap::train {

namespace {

// Seed streams: one seed, three independent sequences.
constexpr std::uint64_t weights_stream = 1, training_stream = 2, held_out_stream = 3;

// What one model may hold, checked before anything is allocated.
constexpr std::size_t max_parameters = std::size_t{1} << 24;   // 16 Mi floats
constexpr std::size_t max_activations = std::size_t{1} << 26;  // 64 Mi floats per batch

}  // namespace

// =====================================================================================================
// [SECTION] configuration
// =====================================================================================================

namespace {

void check_range(const char* field, long long value, long long lo, long long hi) {
  if (value < lo || value > hi)
    throw core::InputError(field, "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
                                      std::to_string(value));
}

}  // namespace

ModelShape model_shape(const Task& task, const TrainConfig& c) {
  return {.vocab = task.vocab, .values = task.values, .outputs = task.outputs, .length = task.length,
          .context_length = task.context_length, .d_model = c.d_model, .heads = c.heads, .d_k = c.d_k, .layers = c.layers};
}

TrainConfig resolve_config(const TrainConfig& config) {
  TrainConfig c = config;
  const Task* task = find_task(c.task);
  if (!task) {
    std::string names;
    for (const Task& t : task_list()) names += (names.empty() ? "" : ", ") + t.name;
    throw core::InputError("task", "unknown task \"" + c.task + "\" (tasks: " + names + ")");
  }
  if (c.steps == 0) c.steps = task->steps;
  if (c.layers == 0) c.layers = task->layers;
  if (c.heads == 0) c.heads = task->heads;
  if (c.d_model == 0) c.d_model = task->d_model;
  if (c.lr == 0) c.lr = task->lr;
  check_range("steps", c.steps, 1, 1000000);
  check_range("layers", c.layers, 1, 8);
  check_range("heads", c.heads, 1, 16);
  check_range("d_model", c.d_model, 1, 512);
  if (c.d_k == 0) {
    if (c.d_model % c.heads != 0)
      throw core::InputError("heads", std::to_string(c.heads) + " heads do not divide d_model " + std::to_string(c.d_model) +
                                          " (give d_k, or heads that divide it)");
    c.d_k = c.d_model / c.heads;
  }
  check_range("d_k", c.d_k, 1, 1024);
  if (!(c.lr > 0 && c.lr <= 10)) throw core::InputError("lr", "expected a learning rate in (0, 10], got " + std::to_string(c.lr));
  if (!(c.weight_decay >= 0 && c.weight_decay <= 1))
    throw core::InputError("weight_decay", "expected 0 to 1, got " + std::to_string(c.weight_decay));
  check_range("batch", c.batch, 1, 512);
  check_range("eval_sequences", c.eval_sequences, 1, 4096);
  check_range("log_every", c.log_every, 0, c.steps);
  if (c.log_every == 0) c.log_every = std::max(1, c.steps / 20);
  if (c.scale != core::ScaleKind::inv_sqrt_dk && c.scale != core::ScaleKind::none)
    throw core::InputError("scale", "expected inv_sqrt_dk or none");
  if (c.backend == "reference")
    throw core::InputError("backend", "the trainer runs in float: simd or tiled (the reference is double)");
  kernels::require_grad_backend(c.backend, "backend");

  const ModelShape s = model_shape(*task, c);
  const ParameterLayout layout(s);
  if (layout.size > max_parameters)
    throw core::InputError("d_model", "the model would have " + std::to_string(layout.size) + " parameters, over the limit of " +
                                          std::to_string(max_parameters) + " (smaller d_model, d_k, heads or layers)");
  const std::size_t n = static_cast<std::size_t>(s.length), m = s.cross() ? static_cast<std::size_t>(s.context_length) : n;
  const std::size_t hk = static_cast<std::size_t>(s.heads) * s.d_k, d = static_cast<std::size_t>(s.d_model);
  const std::size_t per_sequence =
      s.layers * (n * (2 * d + 3 * hk) + m * 2 * hk + static_cast<std::size_t>(s.heads) * n * (m + 1)) + n * s.outputs * 2;
  const std::size_t per_batch = per_sequence * static_cast<std::size_t>(c.batch);
  if (per_batch > max_activations)
    throw core::InputError("batch", "a batch would hold " + std::to_string(per_batch) + " activations, over the limit of " +
                                        std::to_string(max_activations) + " (smaller batch, d_model, d_k or heads)");
  return c;
}

// =====================================================================================================
// [SECTION] training
// =====================================================================================================

Trainer::Trainer(const TrainConfig& config)
    : config_(resolve_config(config)),
      task_(*find_task(config_.task)),
      kernel_(kernels::make_float_grad_kernel(config_.backend)),
      model_(model_shape(task_, config_), config_.scale, *kernel_),
      optimizer_(OptimizerConfig{.kind = config_.optimizer, .lr = config_.lr, .weight_decay = config_.weight_decay},
                 model_.layout()),
      data_rng_(config_.seed, training_stream) {
  Rng weights_rng(config_.seed, weights_stream);
  params_ = initial_parameters(model_.layout(), weights_rng);
  Rng held_out_rng(config_.seed, held_out_stream);
  for (int i = 0; i < config_.eval_sequences; ++i) held_out_.push_back(task_.make(task_, held_out_rng));
  draw_batch();
  evaluation_ = run_evaluation();
  history_.push_back(point(0, evaluation_.loss, 0, 0));
}

HistoryPoint Trainer::point(int step, double loss, double grad_q, double grad_k) const {
  HistoryPoint p{step, loss, evaluation_.loss, evaluation_.accuracy, evaluation_.mean_entropy, grad_q, grad_k, 0, 0};
  for (const HeadScore& h : evaluation_.heads) {
    p.previous_token = std::max(p.previous_token, h.previous_token.value_or(0));
    p.prefix_match = std::max(p.prefix_match, h.prefix_match.value_or(0));
  }
  return p;
}

void Trainer::draw_batch() {
  next_batch_.clear();
  for (int i = 0; i < config_.batch; ++i) next_batch_.push_back(task_.make(task_, data_rng_));
}

namespace {

double squared_norm(const std::vector<float>& v, const Tensor& t) {
  double sum = 0;
  for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) sum += static_cast<double>(v[i]) * v[i];
  return sum;
}

}  // namespace

double Trainer::step() {
  if (diverged_) return std::numeric_limits<double>::quiet_NaN();
  batch_ = make_batch(next_batch_);
  const BatchResult r = model_.forward(params_, batch_);
  model_.backward(params_, grads_);
  // the gradient reaching W_Q and W_K (all layers), before the update
  double gq = 0, gk = 0, all = 0;
  for (const LayerTensors& t : model_.layout().layers) {
    gq += squared_norm(grads_, t.w_q);
    gk += squared_norm(grads_, t.w_k);
  }
  for (const Tensor& t : model_.layout().all) all += squared_norm(grads_, t);
  bool blown = !std::isfinite(r.loss) || !std::isfinite(all);
  if (!blown) {
    last_finite_ = params_;
    optimizer_.step(params_, grads_);
    double after = 0;
    for (const Tensor& t : model_.layout().all) after += squared_norm(params_, t);
    if (!std::isfinite(after)) {
      params_ = last_finite_;  // the update overflowed: back to the weights before it
      blown = true;
    }
  }
  if (blown) {  // too large a learning rate: stop on the last finite weights
    diverged_ = true;
    log_point();
    return r.loss;
  }
  ++step_;
  loss_sum_ += r.loss;
  grad_q_sum_ += std::sqrt(gq);
  grad_k_sum_ += std::sqrt(gk);
  ++steps_since_log_;
  draw_batch();
  if (step_ % config_.log_every == 0 || step_ == config_.steps) log_point();
  return r.loss;
}

int Trainer::train_for(int max_steps, double budget_ms) {
  const auto start = std::chrono::steady_clock::now();
  int taken = 0;
  while (taken < max_steps && !finished()) {
    step();
    ++taken;
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed.count() >= budget_ms) break;
  }
  return taken;
}

void Trainer::log_point() {
  evaluation_ = run_evaluation();
  const double k = std::max(1, steps_since_log_);
  const double loss = steps_since_log_ > 0 ? loss_sum_ / k : evaluation_.loss;  // no step since: the held-out loss
  history_.push_back(point(step_, loss, grad_q_sum_ / k, grad_k_sum_ / k));
  loss_sum_ = grad_q_sum_ = grad_k_sum_ = 0;
  steps_since_log_ = 0;
}

void Trainer::set_ablated(int layer, int head, bool ablated) {
  check_range("layer", layer, 0, config_.layers - 1);
  check_range("head", head, 0, config_.heads - 1);
  model_.set_ablated(layer, head, ablated);
}

// =====================================================================================================
// [SECTION] evaluation and head scores
// =====================================================================================================

namespace {

// Running sums of the head scores and entropy over the held-out set.
struct ScoreSums {
  double previous = 0, prefix = 0, entropy = 0;
  long long previous_rows = 0, prefix_rows = 0, entropy_rows = 0;
};

// w: N × M weights of one head on one sequence.
void add_scores(const float* w, const Example& e, int n, int m, bool cross, ScoreSums& s) {
  for (int i = 0; i < n; ++i) {
    const float* row = w + static_cast<std::size_t>(i) * m;
    double h = 0;
    for (int j = 0; j < m; ++j)
      if (row[j] > 0) h -= row[j] * std::log(static_cast<double>(row[j]));
    s.entropy += h;
    ++s.entropy_rows;
    if (cross) continue;
    if (i >= 1) {
      s.previous += row[i - 1];
      ++s.previous_rows;
    }
    for (int j = i - 1; j >= 0; --j)  // the previous occurrence of the current token
      if (e.tokens[static_cast<std::size_t>(j)] == e.tokens[static_cast<std::size_t>(i)]) {
        s.prefix += row[j + 1];
        ++s.prefix_rows;
        break;
      }
  }
}

}  // namespace

Evaluation Trainer::evaluate() { return run_evaluation(); }

Evaluation Trainer::run_evaluation() {
  const ModelShape& s = model_.shape();
  const int n = s.length, m = s.cross() ? s.context_length : n;
  std::vector<ScoreSums> sums(static_cast<std::size_t>(s.layers * s.heads));
  double loss = 0;
  long long correct = 0, predicted = 0;
  for (std::size_t first = 0; first < held_out_.size(); first += static_cast<std::size_t>(config_.batch)) {
    const std::size_t last = std::min(held_out_.size(), first + static_cast<std::size_t>(config_.batch));
    const std::vector<Example> chunk(held_out_.begin() + static_cast<long>(first), held_out_.begin() + static_cast<long>(last));
    const Batch b = make_batch(chunk);
    const BatchResult r = model_.forward(params_, b, true);
    loss += r.loss * r.predicted;
    correct += r.correct;
    predicted += r.predicted;
    for (int l = 0; l < s.layers; ++l)
      for (int h = 0; h < s.heads; ++h)
        for (std::size_t e = 0; e < chunk.size(); ++e)
          add_scores(model_.weights(l, static_cast<int>(e), h), chunk[e], n, m, s.cross(),
                     sums[static_cast<std::size_t>(l * s.heads + h)]);
  }
  Evaluation ev;
  ev.loss = predicted > 0 ? loss / static_cast<double>(predicted) : 0;
  ev.accuracy = predicted > 0 ? static_cast<double>(correct) / static_cast<double>(predicted) : 0;
  double entropy = 0;
  long long rows = 0;
  for (int l = 0; l < s.layers; ++l)
    for (int h = 0; h < s.heads; ++h) {
      const ScoreSums& x = sums[static_cast<std::size_t>(l * s.heads + h)];
      HeadScore score{l, h, std::nullopt, std::nullopt};
      if (!s.cross()) {
        score.previous_token = x.previous_rows > 0 ? x.previous / static_cast<double>(x.previous_rows) : 0.0;
        score.prefix_match = x.prefix_rows > 0 ? x.prefix / static_cast<double>(x.prefix_rows) : 0.0;
      }
      ev.heads.push_back(score);
      entropy += x.entropy;
      rows += x.entropy_rows;
    }
  ev.mean_entropy = rows > 0 ? entropy / static_cast<double>(rows) : 0;
  return ev;
}

// =====================================================================================================
// [SECTION] views of the trained model
// =====================================================================================================

namespace {

core::Matrix to_matrix(const float* data, int rows, int cols) {
  return Eigen::Map<const core::MatrixF>(data, rows, cols).cast<double>();
}

core::RowVector to_row(const float* data, int cols) {
  return Eigen::Map<const core::RowVectorT<float>>(data, cols).cast<double>();
}

}  // namespace

AttentionMaps Trainer::attention(int sequence) {
  check_range("sequence", sequence, 0, static_cast<long long>(held_out_.size()) - 1);
  const ModelShape& s = model_.shape();
  const Example& e = held_out_[static_cast<std::size_t>(sequence)];
  const Batch b = make_batch({e});
  model_.forward(params_, b, true);
  AttentionMaps maps;
  for (const int t : e.tokens) maps.tokens.push_back(token_label(task_, t));
  if (s.cross())
    for (std::size_t j = 0; j < e.context_keys.size(); ++j)
      maps.keys.push_back(context_label(task_, e.context_keys[j], e.context_values[j]));
  else
    maps.keys = maps.tokens;
  maps.layers = s.layers;
  maps.heads = s.heads;
  const int m = s.cross() ? s.context_length : s.length;
  for (int l = 0; l < s.layers; ++l)
    for (int h = 0; h < s.heads; ++h) maps.weights.push_back(to_matrix(model_.weights(l, 0, h), s.length, m));
  return maps;
}

core::Scenario Trainer::layer_scenario(int layer, int sequence) {
  check_range("layer", layer, 0, config_.layers - 1);
  check_range("sequence", sequence, 0, static_cast<long long>(held_out_.size()) - 1);
  const ModelShape& s = model_.shape();
  const ParameterLayout& p = model_.layout();
  const LayerTensors& t = p.layers[static_cast<std::size_t>(layer)];
  const Example& e = held_out_[static_cast<std::size_t>(sequence)];
  const Batch b = make_batch({e});
  model_.forward(params_, b);
  const float* w = params_.data();
  const int d = s.d_model, hk = s.heads * s.d_k, hv = s.heads * s.d_v();

  core::Scenario sc;
  for (const int tok : e.tokens) sc.query.tokens.push_back(token_label(task_, tok));
  if (layer == 0 && !s.cross()) {
    // the token embeddings, with the learned positions as the scenario's own table (SPEC §1 step 1)
    sc.query.x.resize(s.length, d);
    for (int i = 0; i < s.length; ++i)
      sc.query.x.row(i) = to_row(w + p.embed.offset + static_cast<std::size_t>(e.tokens[static_cast<std::size_t>(i)]) * d, d);
    sc.positional.kind = core::PositionalKind::learned;
    sc.positional.learned = to_matrix(w + p.positions.offset, s.length, d);
  } else {
    sc.query.x = to_matrix(model_.residual(layer), s.length, d);
  }
  if (s.cross()) {
    core::Sequence c;
    for (std::size_t j = 0; j < e.context_keys.size(); ++j)
      c.tokens.push_back(context_label(task_, e.context_keys[j], e.context_values[j]));
    c.x = to_matrix(model_.context(), s.context_length, d);
    sc.context = std::move(c);
  } else {
    sc.mask.causal = core::CausalAlign::top_left;
  }
  sc.heads = s.heads;
  sc.d_k = s.d_k;
  sc.d_v = s.d_v();
  sc.w_q = to_matrix(w + t.w_q.offset, d, hk);
  sc.w_k = to_matrix(w + t.w_k.offset, d, hk);
  sc.w_v = to_matrix(w + t.w_v.offset, d, hv);
  sc.w_o = to_matrix(w + t.w_o.offset, hv, d);
  for (int h = 0; h < s.heads; ++h)
    if (model_.ablated(layer, h)) sc.w_o.middleRows(h * s.d_v(), s.d_v()).setZero();
  sc.b_q = to_row(w + t.b_q.offset, hk);
  sc.b_k = to_row(w + t.b_k.offset, hk);
  sc.b_v = to_row(w + t.b_v.offset, hv);
  sc.b_o = to_row(w + t.b_o.offset, d);
  sc.scale.kind = config_.scale;
  core::validate_scenario(sc);
  return sc;
}

}  // namespace ap::train
