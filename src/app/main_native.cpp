// Desktop shell: a GLFW window with an OpenGL 3 context and the playground.
//   attention-playground [--scenario FILE] [--frames N] [--screenshot OUT.png] [--views DIR] [--width W] [--height H]
// With --frames the app draws N frames and exits 0 (the smoke test under Xvfb), saving a screenshot if asked;
// --views DIR also visits every view and saves DIR/view-<name>.png for each.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <GLFW/glfw3.h>

#include "app/desktop_bench.hpp"
#include "app/platform_requests.hpp"
#include "app/screenshot.hpp"
#include "app/shell.hpp"

namespace {

struct Options {
  std::string scenario, screenshot, views_dir;
  int frames = 0, width = 1280, height = 800;
  bool bench = false;  // --bench: the figures of ap::app::run_desktop_bench, then exit
};

// A whole number in [lo, hi] written in full ("30", not "30x", "3e1" or "abc"), or a message naming the option.
std::optional<std::string> read_int(const std::string& key, const std::string& text, int lo, int hi, int& out) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || value < lo || value > hi)
    return key + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" +
           text + "\"";
  out = value;
  return std::nullopt;
}

// Options come in pairs (but --bench, a flag); an unknown option is reported and skipped, a bad value stops the app.
std::optional<std::string> parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--bench") {
      o.bench = true;
      --i;  // no value follows
      continue;
    }
    if (i + 1 >= argc) return key + ": expected a value after it";
    const std::string value = argv[i + 1];
    std::optional<std::string> error;
    if (key == "--scenario") o.scenario = value;
    else if (key == "--frames") error = read_int(key, value, 0, 1000000, o.frames);
    else if (key == "--screenshot") o.screenshot = value;
    else if (key == "--views") o.views_dir = value;
    else if (key == "--width") error = read_int(key, value, 64, 16384, o.width);
    else if (key == "--height") error = read_int(key, value, 64, 16384, o.height);
    else std::fprintf(stderr, "attention-playground: unknown option %s\n", key.c_str());
    if (error) return error;
  }
  return std::nullopt;
}

int run(const Options& options) {
  if (!glfwInit()) {
    std::fprintf(stderr, "attention-playground: cannot initialise GLFW (no display?)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "Attention Playground", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "attention-playground: cannot open an OpenGL 3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  float scale_x = 1, scale_y = 1;
  glfwGetWindowContentScale(window, &scale_x, &scale_y);
  {
    ap::app::Shell shell(window, {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "#version 130", scale_x});
    ap::app::install_platform_requests(window);
    if (!options.scenario.empty()) {
      std::ifstream file(options.scenario, std::ios::binary);
      std::stringstream text;
      text << file.rdbuf();
      if (!file) std::fprintf(stderr, "attention-playground: cannot read %s\n", options.scenario.c_str());
      else if (const auto error = shell.state().load_json(text.str()))
        std::fprintf(stderr, "attention-playground: %s: %s\n", options.scenario.c_str(), error->what().c_str());
    }
    if (options.bench) return ap::app::run_desktop_bench(window, shell, {});
    int frame = 0;
    while (!glfwWindowShouldClose(window)) {
      shell.frame();
      ap::app::fulfil_platform_requests(window);
      if (options.frames > 0 && ++frame >= options.frames) break;
    }
    for (const char* view : {"view.scores", "view.pipeline", "view.heads", "view.headview", "view.steps", "view.scaling",
                             "view.geometry", "view.mask", "view.positional", "view.shuffle", "view.uniform", "view.cost",
                             "view.variants", "view.precision", "view.decode", "view.training"}) {
      if (options.views_dir.empty()) break;
      shell.select_view(view);
      for (int i = 0; i < 16; ++i) shell.frame();  // the variant views compute their second traces one a frame
      shell.render();
      int w = 0, h = 0;
      glfwGetFramebufferSize(window, &w, &h);
      const std::string path = options.views_dir + "/desktop-" + std::string(view).substr(5) + ".png";
      if (!ap::app::save_framebuffer_png(path, w, h)) {
        std::fprintf(stderr, "attention-playground: cannot write %s\n", path.c_str());
        return 1;
      }
      glfwSwapBuffers(window);
    }
    if (!options.screenshot.empty()) {
      shell.render();  // draw once more and read the back buffer before presenting it
      int w = 0, h = 0;
      glfwGetFramebufferSize(window, &w, &h);
      if (!ap::app::save_framebuffer_png(options.screenshot, w, h)) {
        std::fprintf(stderr, "attention-playground: cannot write %s\n", options.screenshot.c_str());
        return 1;
      }
    }
  }
  glfwDestroyWindow(window);
  glfwTerminate();
  return 0;
}

}  // namespace

// What the app throws outside a frame (a frame catches its own: Shell::render) ends here as one line and exit
// status 1, never an abort; a bad option is exit status 2.
int main(int argc, char** argv) {
  Options options;
  if (const auto error = parse_options(argc, argv, options)) {
    std::fprintf(stderr, "attention-playground: %s\n", error->c_str());
    return 2;
  }
  try {
    return run(options);
  } catch (...) {
    std::fprintf(stderr, "attention-playground: %s\n", ap::app::current_exception_message().c_str());
  }
  return 1;
}
