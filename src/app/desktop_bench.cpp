// Desktop figures (see desktop_bench.hpp). An edit here is AppState::edit_cell, what a typed digit in a cell turns
// into; the time runs from it to the end of the frame that draws its result.
#include "app/desktop_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <vector>

#include <GLFW/glfw3.h>
#include <nlohmann/json.hpp>

#include "app/platform_requests.hpp"
#include "app/shell.hpp"

namespace ap::app {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Resident memory in MiB (Linux /proc; 0 elsewhere).
double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return static_cast<double>(resident) * 4096.0 / (1 << 20);
}

// One frame as the main loop draws it; its wall time in ms.
double frame(GLFWwindow* window, Shell& shell) {
  const auto t0 = clock_type::now();
  shell.frame();
  fulfil_platform_requests(window);
  return ms_since(t0);
}

// The layer of issue 12: d_model × d_model weights, causal, seeded.
core::Scenario layer(int n, int d, int heads) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  core::Matrix x(n, d);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = 2 * u(rng);
  core::Scenario s = core::make_scenario(x, heads);
  for (core::Matrix* w : {&s.w_q, &s.w_k, &s.w_v, &s.w_o})
    for (Eigen::Index i = 0; i < w->size(); ++i) w->data()[i] = 0.2 * u(rng);
  s.mask.causal = core::CausalAlign::top_left;
  return s;
}

// Frames until the result of the last change is on screen; the longest frame meanwhile.
double frames_until_idle(GLFWwindow* window, Shell& shell, double& longest) {
  const auto t0 = clock_type::now();
  do longest = std::max(longest, frame(window, shell));
  while (shell.state().computing());
  longest = std::max(longest, frame(window, shell));  // the frame that draws it
  return ms_since(t0);
}

}  // namespace

int run_desktop_bench(GLFWwindow* window, Shell& shell, const DesktopBenchOptions& o) {
  nlohmann::json report{{"n", o.n}, {"d_model", o.d_model}, {"heads", o.heads}};
  std::vector<double> idle;
  for (int i = 0; i < 120; ++i) idle.push_back(frame(window, shell));
  report["default_frame_ms"] = median(idle);

  double longest = 0;
  if (const auto e = shell.state().propose(layer(o.n, o.d_model, o.heads))) {
    std::fprintf(stderr, "attention-playground: --bench: %s\n", e->what().c_str());
    return 1;
  }
  report["load_and_compute_ms"] = frames_until_idle(window, shell, longest);
  idle.clear();
  for (int i = 0; i < 120; ++i) idle.push_back(frame(window, shell));
  report["large_frame_ms"] = median(idle);
  report["idle_frame_ratio"] = report["large_frame_ms"].get<double>() / report["default_frame_ms"].get<double>();

  const double rss_before = resident_mib();
  std::vector<double> edits, computes, rss;
  for (int e = 0; e < o.edits; ++e) {
    const auto t0 = clock_type::now();
    shell.state().edit_cell({"x", 0, 0}, 1 + e / 8.0);
    double ignored = 0;
    frames_until_idle(window, shell, ignored);
    edits.push_back(ms_since(t0));
    computes.push_back(shell.state().result().milliseconds);  // submit → result taken, of the edit's time
    rss.push_back(resident_mib());
  }
  report["rss_after_each_edit_mib"] = rss;
  report["edit_ms"] = edits;
  report["edit_median_ms"] = median(edits);
  report["edit_compute_ms"] = computes;
  report["rss_mib"] = {rss_before, resident_mib()};

  longest = 0;
  shell.state().propose(layer(o.n_large, o.d_model, o.heads));
  report["large_load_and_compute_ms"] = frames_until_idle(window, shell, longest);
  report["large_longest_frame_ms"] = longest;
  std::printf("%s\n", report.dump().c_str());
  return 0;
}

}  // namespace ap::app
