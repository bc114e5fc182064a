// core/head_lines: the head view's lines are the trace's weights, the heaviest first kept within the bound, the
// hidden ones counted and never heavier than any drawn, a focus isolating one query's or one key's lines.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "core/head_lines.hpp"
#include "core/pipeline.hpp"
#include "support/random_scenario.hpp"

using namespace ap::core;

namespace {

std::vector<HeadWeights> all_heads(const Trace& t) {
  std::vector<HeadWeights> heads;
  for (int h = 0; h < static_cast<int>(t.heads.size()); ++h) heads.push_back({h, &t.heads[static_cast<std::size_t>(h)].weights});
  return heads;
}

long long positive(const Trace& t) {
  long long count = 0;
  for (const auto& h : t.heads) count += (h.weights.array() > 0).count();
  return count;
}

}  // namespace

TEST_CASE("head lines: every line is the trace's weight; within the bound every positive weight is a line") {
  std::mt19937 rng(5);
  Scenario s = ap::test::random_scenario(rng, {7, 0, 8, 3, 4, 5});
  s.mask = ap::test::random_mask(rng, ap::test::MaskKind::causal_top_left, s.n(), s.m());
  validate_scenario(s);
  const Trace t = compute_reference(s);
  const HeadLineSet all = head_lines(all_heads(t), -1, -1, 0.0, 100000);
  CHECK(all.candidates == positive(t));
  CHECK(all.hidden == 0);
  CHECK(static_cast<long long>(all.lines.size()) == all.candidates);
  for (const HeadLine& l : all.lines) {
    CHECK(l.weight == t.heads[static_cast<std::size_t>(l.head)].weights(l.query, l.key));
    CHECK(t.allowed(l.query, l.key));  // masked pairs weigh 0: no line
  }
  CHECK(std::is_sorted(all.lines.begin(), all.lines.end(), [](const HeadLine& a, const HeadLine& b) { return a.weight < b.weight; }));
}

TEST_CASE("head lines: past the bound each query keeps its heaviest keys, and the view is told what was hidden") {
  std::mt19937 rng(9);
  Scenario s = ap::test::random_scenario(rng, {128, 0, 16, 8, 2, 2});
  validate_scenario(s);
  const Trace t = compute_reference(s);
  const std::size_t bound = 3000;
  const HeadLineSet cut = head_lines(all_heads(t), -1, -1, 0.0, bound);
  CHECK(cut.per_query == 2);  // 3000 lines over 8 heads × 128 rows
  REQUIRE(cut.lines.size() == 8 * 128 * 2);
  CHECK(cut.candidates == positive(t));
  CHECK(cut.hidden == cut.candidates - static_cast<long long>(cut.lines.size()));
  std::map<std::pair<int, int>, std::vector<double>> drawn;  // (head, row) → its drawn weights
  for (const HeadLine& l : cut.lines) {
    CHECK(l.weight == t.heads[static_cast<std::size_t>(l.head)].weights(l.query, l.key));
    drawn[{l.head, l.query}].push_back(l.weight);
  }
  double heaviest_hidden = 0;
  for (int h = 0; h < 8; ++h)
    for (int i = 0; i < 128; ++i) {
      const auto& mine = drawn[{h, i}];
      REQUIRE(mine.size() == 2);
      std::vector<double> row(t.heads[static_cast<std::size_t>(h)].weights.row(i).data(),
                              t.heads[static_cast<std::size_t>(h)].weights.row(i).data() + 128);
      std::sort(row.rbegin(), row.rend());
      CHECK(std::max(mine[0], mine[1]) == row[0]);  // the row's two heaviest
      CHECK(std::min(mine[0], mine[1]) == row[1]);
      heaviest_hidden = std::max(heaviest_hidden, row[2]);
    }
  CHECK(cut.cutoff == heaviest_hidden);

  // more rows than lines: one line a row at most, the heaviest of those
  const HeadLineSet tight = head_lines(all_heads(t), -1, -1, 0.0, 500);
  CHECK(tight.per_query == 1);
  CHECK(tight.lines.size() == 500);
  CHECK(tight.hidden == tight.candidates - 500);
  std::set<std::pair<int, int>> rows_drawn;
  for (const HeadLine& l : tight.lines) {
    CHECK(l.weight == t.heads[static_cast<std::size_t>(l.head)].weights.row(l.query).maxCoeff());  // its row's heaviest
    CHECK(rows_drawn.insert({l.head, l.query}).second);
  }
  for (int h = 0; h < 8; ++h)  // and the rows left out have lighter maxima than any drawn
    for (int i = 0; i < 128; ++i)
      if (!rows_drawn.count({h, i})) CHECK(t.heads[static_cast<std::size_t>(h)].weights.row(i).maxCoeff() <= tight.lines.front().weight);
}

TEST_CASE("head lines: a hovered query or key isolates its lines; a minimum weight and non-finite weights") {
  std::mt19937 rng(3);
  Scenario s = ap::test::random_scenario(rng, {9, 0, 6, 2, 3, 3});
  validate_scenario(s);
  Trace t = compute_reference(s);
  const HeadLineSet row = head_lines(all_heads(t), 4, -1, 0.0, 1000);
  CHECK(row.lines.size() == static_cast<std::size_t>(2 * s.m()));
  for (const HeadLine& l : row.lines) CHECK(l.query == 4);
  const HeadLineSet col = head_lines({{1, &t.heads[1].weights}}, -1, 2, 0.0, 1000);
  CHECK(col.lines.size() == static_cast<std::size_t>(s.n()));
  for (const HeadLine& l : col.lines) {
    CHECK(l.key == 2);
    CHECK(l.head == 1);
    CHECK(l.weight == t.heads[1].weights(l.query, 2));
  }
  const HeadLineSet heavy = head_lines(all_heads(t), -1, -1, 0.2, 1000);
  for (const HeadLine& l : heavy.lines) CHECK(l.weight > 0.2);
  t.heads[0].weights(0, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK(head_lines(all_heads(t), -1, -1, 0.0, 1000).nonfinite == 1);
  CHECK(head_lines(all_heads(t), -1, -1, 0.0, 0).lines.empty());
}
