// d_k sweep in double.
#include "core/sweep.hpp"

#include <cmath>
#include <random>

#include "core/diagnostics.hpp"

namespace ap::core {

namespace {

// Max weight and Jacobian norm of softmax(scale · scores).
std::pair<double, double> softmax_stats(const std::vector<double>& scores, double scale, std::vector<double>& p) {
  double mx = -INFINITY;
  for (double s : scores) mx = std::max(mx, scale * s);
  double sum = 0;
  for (std::size_t j = 0; j < scores.size(); ++j) sum += p[j] = std::exp(scale * scores[j] - mx);
  double wmax = 0;
  for (double& v : p) wmax = std::max(wmax, v /= sum);
  return {wmax, softmax_jacobian_norm(p.data(), static_cast<int>(p.size()))};
}

}  // namespace

std::vector<SweepPoint> scaling_sweep(const std::vector<int>& d_ks, int keys, int trials, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<SweepPoint> out;
  std::vector<double> q, k, scores(static_cast<std::size_t>(keys)), p(static_cast<std::size_t>(keys));
  for (int d : d_ks) {
    SweepPoint pt;
    pt.d_k = d;
    q.resize(static_cast<std::size_t>(d));
    k.resize(static_cast<std::size_t>(d));
    double sum = 0, sum2 = 0;
    long count = 0;
    for (int t = 0; t < trials; ++t) {
      for (double& v : q) v = normal(rng);
      for (int j = 0; j < keys; ++j) {
        for (double& v : k) v = normal(rng);
        double dot = 0;
        for (int c = 0; c < d; ++c) dot += q[static_cast<std::size_t>(c)] * k[static_cast<std::size_t>(c)];
        scores[static_cast<std::size_t>(j)] = dot;
        sum += dot;
        sum2 += dot * dot;
        ++count;
      }
      const auto raw = softmax_stats(scores, 1.0, p);
      const auto scaled = softmax_stats(scores, 1.0 / std::sqrt(d), p);
      pt.max_weight_raw += raw.first / trials;
      pt.jacobian_raw += raw.second / trials;
      pt.max_weight_scaled += scaled.first / trials;
      pt.jacobian_scaled += scaled.second / trials;
    }
    const double mean = sum / count;
    pt.variance_raw = sum2 / count - mean * mean;
    pt.variance_scaled = pt.variance_raw / d;
    out.push_back(pt);
  }
  return out;
}

std::vector<int> powers_of_two_up_to(int largest) {
  std::vector<int> v;
  for (int d = 1; d <= largest; d *= 2) v.push_back(d);
  return v;
}

}  // namespace ap::core
