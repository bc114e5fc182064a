// Web shell: the canvas follows its CSS size times devicePixelRatio (crisp text at any ratio), the main
// loop is the browser's, and window.playground (web/playground_api.js) calls the functions below.
#include <cmath>
#include <string>

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <nlohmann/json.hpp>

#include "app/shell.hpp"
#include "io/scenario_json.hpp"
#include "io/trace_json.hpp"
#include "ui/widget_rects.hpp"

namespace {

ap::app::Shell* g_shell = nullptr;
GLFWwindow* g_window = nullptr;
bool g_first_frame_reported = false;

// Size the canvas backbuffer to CSS size × devicePixelRatio; GLFW then reports that size in pixels.
float fit_canvas() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  const double dpr = emscripten_get_device_pixel_ratio();
  const int want_w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
  const int want_h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
  int w = 0, h = 0;
  glfwGetWindowSize(g_window, &w, &h);
  if (w != want_w || h != want_h) glfwSetWindowSize(g_window, want_w, want_h);
  return static_cast<float>(dpr);
}

void frame() {
  g_shell->set_ui_scale(fit_canvas());
  g_shell->frame();
  if (!g_first_frame_reported) {
    g_first_frame_reported = true;
    EM_ASM({ if (Module.onFirstFrame) Module.onFirstFrame(); });
  }
  EM_ASM({ if (Module.afterFrame) Module.afterFrame(); });
}

// Strings returned to JS live until the next call of the same kind.
const char* keep(std::string& slot, std::string value) {
  slot = std::move(value);
  return slot.c_str();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* ap_load_scenario(const char* json) {
  static std::string out;
  const auto error = g_shell->state().load_json(json);
  if (!error) return keep(out, R"({"ok":true})");
  return keep(out, nlohmann::json{{"ok", false}, {"error", error->what()}}.dump());
}

EMSCRIPTEN_KEEPALIVE const char* ap_get_scenario() {
  static std::string out;
  return keep(out, ap::io::scenario_to_string(g_shell->state().scenario()));
}

EMSCRIPTEN_KEEPALIVE const char* ap_get_trace() {
  static std::string out;
  return keep(out, ap::io::trace_to_json(g_shell->state().trace()).dump());
}

EMSCRIPTEN_KEEPALIVE const char* ap_backends() {
  static std::string out;
  return keep(out, nlohmann::json(g_shell->state().backends()).dump());
}

EMSCRIPTEN_KEEPALIVE const char* ap_set_backend(const char* name) {
  static std::string out;
  const auto error = g_shell->state().set_backend(name);
  if (!error) return keep(out, R"({"ok":true})");
  return keep(out, nlohmann::json{{"ok", false}, {"error", error->what()}}.dump());
}

// {x, y, w, h} in CSS pixels of the canvas, or null.
EMSCRIPTEN_KEEPALIVE const char* ap_widget_rect(const char* id) {
  static std::string out;
  const auto rect = ap::ui::widget_rects().find(id);
  if (!rect) return keep(out, "null");
  const float s = g_shell->ui_scale();
  return keep(out, nlohmann::json{{"x", rect->x / s}, {"y", rect->y / s}, {"w", rect->w / s}, {"h", rect->h / s}}.dump());
}

EMSCRIPTEN_KEEPALIVE const char* ap_widget_ids() {
  static std::string out;
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& [id, rect] : ap::ui::widget_rects().all()) ids.push_back(id);
  return keep(out, ids.dump());
}

EMSCRIPTEN_KEEPALIVE double ap_last_frame_ms() { return g_shell->last_frame_ms(); }
EMSCRIPTEN_KEEPALIVE int ap_revision() { return static_cast<int>(g_shell->state().revision()); }
EMSCRIPTEN_KEEPALIVE int ap_undo_depth() { return static_cast<int>(g_shell->state().undo_depth()); }
EMSCRIPTEN_KEEPALIVE int ap_undo() { return g_shell->state().undo() ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE int ap_redo() { return g_shell->state().redo() ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE double ap_last_compute_ms() { return g_shell->state().result().milliseconds; }

EMSCRIPTEN_KEEPALIVE const char* ap_last_error() {
  static std::string out;
  const auto& e = g_shell->state().last_error();
  return keep(out, e ? e->what() : "");
}

}  // extern "C"

int main() {
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  g_window = glfwCreateWindow(1280, 800, "Attention Playground", nullptr, nullptr);
  if (!g_window) return 1;
  glfwMakeContextCurrent(g_window);
  const float scale = fit_canvas();
  static ap::app::Shell shell(g_window, {"/fonts/DejaVuSans.ttf", "#version 300 es", scale});
  g_shell = &shell;
  emscripten_set_main_loop(frame, 0, true);  // never returns
  return 0;
}
