// The synthetic tasks (see tasks.hpp): each a generator of one sequence and its labels.
#include "train/tasks.hpp"

#include <algorithm>
#include <numeric>

namespace ap::train {

namespace {

std::vector<int> random_tokens(Rng& rng, int count, int vocab) {
  std::vector<int> t(static_cast<std::size_t>(count));
  for (int& x : t) x = rng.below(vocab);
  return t;
}

// `count` distinct ids from [0, vocab): the first count of a partial Fisher–Yates shuffle.
std::vector<int> distinct_tokens(Rng& rng, int count, int vocab) {
  std::vector<int> all(static_cast<std::size_t>(vocab));
  std::iota(all.begin(), all.end(), 0);
  for (int i = 0; i < count; ++i) std::swap(all[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(i + rng.below(vocab - i))]);
  all.resize(static_cast<std::size_t>(count));
  return all;
}

// At position i, the token at i − 1: one head attending one step back solves it.
Example previous_token(const Task& task, Rng& rng) {
  Example e;
  e.tokens = random_tokens(rng, task.length, task.vocab);
  e.targets.assign(e.tokens.size(), -1);
  for (std::size_t i = 1; i < e.tokens.size(); ++i) e.targets[i] = e.tokens[i - 1];
  return e;
}

// [A][B] … [A] → [B]: filler, then a pattern of k distinct tokens (4 ≤ k ≤ 10 for N = 24) twice. In the second
// copy each token's one earlier occurrence is k back and the token after it is the next one: predicted at every
// position of the second copy but its last. The filler never uses the pattern's tokens, and k varies, so
// neither an earlier false match nor a fixed offset solves it: it takes an induction head in layer 1 composed
// with a layer-0 head that marks where each token was before (Olsson et al. 2022).
Example induction(const Task& task, Rng& rng) {
  const int k = 4 + rng.below(task.length / 2 - 5);  // 4 ≤ k ≤ N/2 − 2, so the filler has at least 4 tokens
  const int filler = task.length - 2 * k;
  const std::vector<int> pattern = distinct_tokens(rng, k, task.vocab);
  Example e;
  for (int i = 0; i < filler; ++i) {
    int t;
    do t = rng.below(task.vocab); while (std::find(pattern.begin(), pattern.end(), t) != pattern.end());
    e.tokens.push_back(t);
  }
  for (int copy = 0; copy < 2; ++copy) e.tokens.insert(e.tokens.end(), pattern.begin(), pattern.end());
  e.targets.assign(e.tokens.size(), -1);
  for (int i = filler + k; i + 1 < task.length; ++i) e.targets[static_cast<std::size_t>(i)] = e.tokens[static_cast<std::size_t>(i) + 1];
  return e;
}

// A dictionary in the context (M pairs key=value, distinct keys), queries in the sequence: at each query
// position, the value stored under that key. Only cross-attention can read it.
Example lookup(const Task& task, Rng& rng) {
  Example e;
  e.context_keys = distinct_tokens(rng, task.context_length, task.vocab);
  e.context_values = random_tokens(rng, task.context_length, task.values);
  for (int i = 0; i < task.length; ++i) {
    const int slot = rng.below(task.context_length);
    e.tokens.push_back(e.context_keys[static_cast<std::size_t>(slot)]);
    e.targets.push_back(e.context_values[static_cast<std::size_t>(slot)]);
  }
  return e;
}

// At position i, the largest token so far: a head whose scores rank keys by value and put nearly all the
// weight on the largest, the near-one-hot attention the scaling argument is about.
Example running_max(const Task& task, Rng& rng) {
  Example e;
  e.tokens = random_tokens(rng, task.length, task.vocab);
  int best = -1;
  for (const int t : e.tokens) {
    best = std::max(best, t);
    e.targets.push_back(best);
  }
  return e;
}

// The table of tasks: data shape, model defaults, what "learned" means (fields in Task's order).
std::vector<Task> make_tasks() {
  return {
      {.name = "previous_token", .description = "predict the token one position back (one layer, one head)",
       .vocab = 16, .outputs = 16, .length = 16, .layers = 1, .heads = 1, .steps = 300,
       .accuracy_threshold = 0.95, .previous_token_threshold = 0.7, .make = previous_token},
      {.name = "induction",
       .description = "[A][B] ... [A] -> [B]: a repeated pattern after filler, predicted from its first copy (two layers)",
       .vocab = 24, .outputs = 24, .length = 24, .layers = 2, .steps = 800,
       .accuracy_threshold = 0.9, .prefix_match_threshold = 0.4, .make = induction},
      {.name = "lookup",
       .description = "cross-attention: read the value stored under each query's key in a context of key=value pairs",
       .vocab = 16, .values = 10, .outputs = 10, .length = 8, .context_length = 8, .layers = 1, .steps = 400,
       .accuracy_threshold = 0.95, .make = lookup},
      {.name = "running_max", .description = "predict the largest token so far (one layer, near-one-hot attention)",
       .vocab = 16, .outputs = 16, .length = 16, .layers = 1, .steps = 600, .accuracy_threshold = 0.9,
       .make = running_max},
  };
}

}  // namespace

const std::vector<Task>& task_list() {
  static const std::vector<Task> tasks = make_tasks();  // immutable table, built once
  return tasks;
}

const Task* find_task(const std::string& name) {
  for (const Task& t : task_list())
    if (t.name == name) return &t;
  return nullptr;
}

std::string token_label(const Task& task, int token) {
  if (task.name == "running_max") return std::to_string(token);
  if (task.cross()) return std::string(1, static_cast<char>('A' + token % 26)) + (token >= 26 ? std::to_string(token / 26) : "");
  return std::string(1, static_cast<char>('a' + token % 26)) + (token >= 26 ? std::to_string(token / 26) : "");
}

std::string context_label(const Task& task, int key, int value) { return token_label(task, key) + "=" + std::to_string(value); }

std::string output_label(const Task& task, int output) {
  return task.cross() || task.name == "running_max" ? std::to_string(output) : token_label(task, output);
}

}  // namespace ap::train
