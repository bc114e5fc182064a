// The pipeline in bounded steps (see trace_job.hpp).
#include "core/trace_job.hpp"

#include <algorithm>

#include "core/diagnostics.hpp"
#include "core/limits.hpp"
#include "core/precision.hpp"
#include "core/score_mod.hpp"
#include "core/variants.hpp"

namespace ap::core {

namespace {

// The larger of a and b, or the NaN when a is one (the overview keeps a NaN visible). Branch-free: it vectorizes.
template <class T>
T larger_or_nan(T a, T b) {
  return (a > b || a != a) ? a : b;
}

}  // namespace

bool records_all_heads(const Scenario& s) {
  return static_cast<long long>(s.heads) * s.n() * s.m() <= limits::record_all_heads_cells;
}

template <class T>
struct TraceJob<T>::State {
  // project: Q, K, V row block by row block; heads: query blocks head by head; output: concat · W_O by row
  // blocks; finish: the trace's last casts and lists. No step is much more than work_per_step.
  enum class Stage { project, heads, output, finish, done };

  const Scenario& s;
  Kernel<T>& kernel;
  JobOptions options;
  Stage stage = Stage::project;
  Projection<T> projection;   // stage project: inputs in T, products filled row block by row block
  int product = 0;            // which product (0: q, 1: k, 2: v) is under way, and its next row
  int product_row = 0;
  Projected<T> projected;
  OutputProjection<T> output_weights;
  MatrixT<T> output;          // N × d_model, filled row block by row block in stage output
  int output_row = 0;
  Trace trace;
  MatrixT<T> concat;  // N × h·d_v: every head's output block, then · W_O
  MaskRule mask;
  int head = 0, row = 0, block_rows = 1;
  int last_kv = -1;           // the K/V head of the previous attend call: the kernel may keep what it packed
  HeadTrace current;          // the head under way
  HeadVariants<T> variants;   // its SPEC §1b variants (ALiBi's query positions shift with each block)
  bool current_recorded = false;
  int pool = 1;               // overview: cells per pooled cell
  std::vector<T> band_max;    // overview: the largest weight of each key over the pooled band's rows so far
  std::vector<T> scores, scaled, weights;  // block_rows × M: one block's raw and scaled scores, softmax weights
  double work_done = 0, work_total = 1;
  Trace spare;                         // the memory of a trace no longer shown (until stage project ends) …
  std::vector<HeadTrace> spare_heads;  // … and of its heads, head h's for head h

  State(const Scenario& scenario, Kernel<T>& k, JobOptions o, Trace recycled)
      : s(scenario), kernel(k), options(std::move(o)), mask(scenario.mask, scenario.n(), scenario.m()),
        spare(std::move(recycled)), spare_heads(std::move(spare.heads)) {
    spare.heads.clear();
    const double n = s.n(), m = s.m(), d = s.d_model(), h = s.heads;
    const double g = s.kv_heads();
    const double project = n * d * h * s.d_k + m * d * g * (s.d_k + s.d_v);
    const double heads = h * n * m * (s.d_k + s.d_v);
    const double finish = n * h * s.d_v * d;
    work_total = project + heads + finish;
    const long long per_row = static_cast<long long>(s.m()) * (s.d_k + s.d_v);
    block_rows = static_cast<int>(std::clamp<long long>(options.work_per_step / std::max(1LL, per_row), 8, std::max(8, s.n())));
  }

  bool records(int h) const {
    if (options.record_nothing) return false;
    return options.record_all_heads ||
           std::find(options.recorded_heads.begin(), options.recorded_heads.end(), h) != options.recorded_heads.end();
  }

  void start_head() {
    const int n = s.n(), m = s.m();
    // A fresh head that borrows the spare's memory only for what this job writes in full (resize keeps the
    // memory when the size is the same): q, k, v and output in finish_head, the matrices, the overview.
    current = HeadTrace{};
    HeadTrace old = static_cast<std::size_t>(head) < spare_heads.size() ? std::move(spare_heads[static_cast<std::size_t>(head)])
                                                                       : HeadTrace{};
    current.q.swap(old.q);
    current.k.swap(old.k);
    current.v.swap(old.v);
    current.output.swap(old.output);
    current.diagnostics = std::move(old.diagnostics);
    variants = head_variants<T>(s, head);
    current_recorded = records(head);
    resize_diagnostics(current.diagnostics, n);
    if (current_recorded) {
      current.scores.swap(old.scores);
      current.scaled.swap(old.scaled);
      current.weights.swap(old.weights);
      current.scores.resize(n, m);
      current.scaled.resize(n, m);
      current.weights.resize(n, m);
    }
    if (options.overview_side > 0 && !current_recorded && !options.record_nothing) {
      pool = std::max(1, (std::max(n, m) + options.overview_side - 1) / options.overview_side);
      current.weights_overview.swap(old.weights_overview);
      current.weights_overview.resize((n + pool - 1) / pool, (m + pool - 1) / pool);  // every cell written (pool_rows)
      current.overview_pool = pool;
    }
  }

  // One block of query rows [row, row + rows) of the current head.
  void attend_block() {
    const int n = s.n(), m = s.m(), h = s.heads, g = s.kv_heads(), dk = s.d_k, dv = s.d_v;
    const int kv = s.kv_head_of(head);  // grouped-query attention: ⌊head·g / h⌋
    const int rows = std::min(block_rows, n - row);
    const std::size_t cells = static_cast<std::size_t>(rows) * m;
    const bool keep = !options.record_nothing;
    if (keep && scores.size() < cells) {
      scores.resize(cells);
      scaled.resize(cells);
      weights.resize(cells);
    }
    const MaskRule block_mask = mask.rows(row, rows);
    HeadProblem<T> hp;
    hp.n = rows; hp.m = m; hp.d_k = dk; hp.d_v = dv;
    hp.q = projected.q.data() + static_cast<std::size_t>(row) * h * dk + static_cast<std::size_t>(head) * dk;
    hp.q_stride = h * dk;
    hp.k = projected.k.data() + static_cast<std::size_t>(kv) * dk; hp.k_stride = g * dk;
    hp.v = projected.v.data() + static_cast<std::size_t>(kv) * dv; hp.v_stride = g * dv;
    hp.scale = static_cast<T>(trace.scale);
    hp.variants = variants;
    hp.variants.query_offset += row;  // the block's first row is query `row`
    hp.mask = &block_mask;
    hp.kv_unchanged = kv == last_kv;  // projected stays put for the whole job
    last_kv = kv;
    hp.scores = keep ? scores.data() : nullptr;
    hp.weights = keep ? weights.data() : nullptr;
    hp.out = concat.data() + static_cast<std::size_t>(row) * h * dv + static_cast<std::size_t>(head) * dv;
    hp.out_stride = h * dv;
    kernel.attend(hp);
    if (s.variants.precision)  // out_h = weights · v accumulated in T, then rounded
      for (int r = 0; r < rows; ++r) round_all(*s.variants.precision, hp.out + static_cast<std::size_t>(r) * hp.out_stride, dv);
    work_done += static_cast<double>(rows) * m * (dk + dv);
    if (!keep) {
      row += rows;
      return;
    }
    // The scaled scores by the kernels' own score_mod, where they are more than scale · score or are recorded.
    const bool textbook = variants.textbook();
    if (!textbook || current_recorded)
      for (int r = 0; r < rows; ++r)
        scaled_scores_row(hp, r, 0, m, scores.data() + static_cast<std::size_t>(r) * m, scaled.data() + static_cast<std::size_t>(r) * m);
    if (textbook)
      row_diagnostics_textbook_block(scores.data(), weights.data(), rows, m, row, block_mask, trace.scale, current.diagnostics);
    else
      row_diagnostics_block(scores.data(), scaled.data(), weights.data(), rows, m, row, trace.allowed, current.diagnostics);
    using Block = Eigen::Map<const MatrixT<T>>;
    if (current_recorded) {
      current.scores.middleRows(row, rows) = Block(scores.data(), rows, m).template cast<double>();
      current.scaled.middleRows(row, rows) = Block(scaled.data(), rows, m).template cast<double>();
      current.weights.middleRows(row, rows) = Block(weights.data(), rows, m).template cast<double>();
    } else if (current.weights_overview.size() > 0) {
      pool_rows(weights.data(), rows);
    }
    row += rows;
  }

  // Weights rows [row, row + rows) into the overview: first the largest of each key down the band's rows (a
  // contiguous elementwise max that vectorizes), then, once a band of `pool` rows is complete, across each group
  // of `pool` keys. A NaN wins every comparison, so it stays visible.
  void pool_rows(const T* w, int rows) {
    const int n = s.n(), m = s.m();
    if (static_cast<int>(band_max.size()) != m) band_max.assign(static_cast<std::size_t>(m), T(0));
    T* band = band_max.data();
    for (int r = 0; r < rows; ++r) {
      const int query = row + r;
      const T* wr = w + static_cast<std::size_t>(r) * m;
      if (query % pool == 0) std::copy(wr, wr + m, band);
      else
        for (int j = 0; j < m; ++j) band[j] = larger_or_nan(wr[j], band[j]);
      if ((query + 1) % pool != 0 && query + 1 != n) continue;
      double* pooled = current.weights_overview.row(query / pool).data();
      for (int b = 0, j0 = 0; j0 < m; ++b, j0 += pool) {
        T top = band[j0];
        for (int j = j0 + 1; j < std::min(m, j0 + pool); ++j) top = larger_or_nan(band[j], top);
        pooled[b] = static_cast<double>(top);
      }
    }
  }

  void finish_head() {
    const int dk = s.d_k, dv = s.d_v, kv = s.kv_head_of(head);
    if (!options.record_nothing) {
      current.q = projected.q.middleCols(head * dk, dk).template cast<double>();
      current.k = projected.k.middleCols(kv * dk, dk).template cast<double>();
      current.v = projected.v.middleCols(kv * dv, dv).template cast<double>();
      current.output = concat.middleCols(head * dv, dv).template cast<double>();
      trace.heads.push_back(std::move(current));
    }
    ++head;
    row = 0;
  }

  // Rows of a product of `work_per_row` multiply-adds a row that make about one step's work.
  int rows_per_step(long long work_per_row) const {
    return static_cast<int>(std::clamp<long long>(options.work_per_step / std::max(1LL, work_per_row), 1, 1 << 30));
  }

  void project_block() {
    if (product == 0 && product_row == 0) projection = begin_projection<T>(s);
    const int rows = std::min(rows_per_step(projection.work_per_row(product)), projection.rows(product) - product_row);
    project_rows(kernel, projection, product, product_row, rows);
    product_row += rows;
    work_done += static_cast<double>(rows) * static_cast<double>(projection.work_per_row(product));
    while (product < 3 && product_row >= projection.rows(product)) {
      ++product;
      product_row = 0;
    }
    if (product < 3) return;
    trace = begin_trace(s, kernel.name(), projection, projected, options.record_nothing, std::move(spare));
    projection = Projection<T>{};  // its inputs are no longer needed
    concat.resize(s.n(), static_cast<Eigen::Index>(s.heads) * s.d_v);
    stage = Stage::heads;
    start_head();
  }

  void output_block() {
    if (output_row == 0) {
      output_weights = begin_output_projection<T>(s);
      output.resize(concat.rows(), output_weights.w.cols());
    }
    const long long per_row = static_cast<long long>(output_weights.w.rows()) * output_weights.w.cols();
    const int rows = std::min(rows_per_step(per_row), static_cast<int>(concat.rows()) - output_row);
    output_rows(kernel, output_weights, concat, output, output_row, rows);
    output_row += rows;
    work_done += static_cast<double>(rows) * static_cast<double>(per_row);
    if (output_row >= concat.rows()) stage = Stage::finish;
  }

  bool step() {
    switch (stage) {
      case Stage::project:
        project_block();
        return false;
      case Stage::heads:
        attend_block();
        if (row >= s.n()) {
          finish_head();
          if (head < s.heads) start_head();
          else stage = Stage::output;
        }
        return false;
      case Stage::output:
        output_block();
        return false;
      case Stage::finish:
        finish_trace(trace, s, concat, output, options.record_nothing);
        work_done = work_total;
        stage = Stage::done;
        return true;
      case Stage::done:
        return true;
    }
    return true;
  }
};

template <class T>
TraceJob<T>::TraceJob(const Scenario& scenario, Kernel<T>& kernel, JobOptions options, Trace spare)
    : state_(std::make_unique<State>(scenario, kernel, std::move(options), std::move(spare))) {}

template <class T>
TraceJob<T>::~TraceJob() = default;

template <class T>
bool TraceJob<T>::step() {
  return state_->step();
}

template <class T>
bool TraceJob<T>::done() const {
  return state_->stage == State::Stage::done;
}

template <class T>
double TraceJob<T>::progress() const {
  return std::clamp(state_->work_done / state_->work_total, 0.0, 1.0);
}

template <class T>
Trace TraceJob<T>::take() {
  return std::move(state_->trace);
}

template <class T>
Trace TraceJob<T>::reclaim() {
  State& st = *state_;
  if (st.stage == State::Stage::project) {  // nothing of the spare used yet
    st.spare.heads = std::move(st.spare_heads);
    return std::move(st.spare);
  }
  // head h's memory at index h: the heads done, the one under way, the spare ones not reached yet
  Trace out = std::move(st.trace);
  if (st.stage == State::Stage::heads) out.heads.push_back(std::move(st.current));
  for (std::size_t h = out.heads.size(); h < st.spare_heads.size(); ++h) out.heads.push_back(std::move(st.spare_heads[h]));
  return out;
}

template class TraceJob<float>;
template class TraceJob<double>;

}  // namespace ap::core
