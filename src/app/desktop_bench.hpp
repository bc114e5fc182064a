// The desktop app's figures at real sizes (issue 12), measured in its own window: idle frames at a BERT-sized layer
// against the default preset, an edit of x[0][0] to its result on screen, memory over six edits, and the longest
// frame while a 4096-token layer loads and computes. `attention-playground --bench` (under Xvfb in CI machines).
#pragma once

#include <string>

struct GLFWwindow;

namespace ap::app {

class Shell;

struct DesktopBenchOptions {
  int n = 1024, n_large = 4096, d_model = 512, heads = 8, edits = 6;
};

// Prints one JSON line with the figures; returns the process exit status.
int run_desktop_bench(GLFWwindow* window, Shell& shell, const DesktopBenchOptions& options);

}  // namespace ap::app
