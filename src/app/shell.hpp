// What the web and the desktop shells share: ImGui set-up with crisp fonts at the display's scale,
// the app state, and one frame of UI. The platform mains (main_native.cpp, main_web.cpp) own the window.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "app/cost_measurement.hpp"
#include "app/gl_textures.hpp"
#include "app/kernel_compute_service.hpp"
#include "app/trainer_service.hpp"
#include "ui/app_state.hpp"
#include "ui/panel_context.hpp"
#include "ui/views.hpp"

struct GLFWwindow;

namespace ap::app {

struct ShellConfig {
  std::string font_path;       // a TTF; ImGui's built-in bitmap font if it cannot be read
  std::string glsl_version;    // "#version 300 es" on WebGL2, "#version 130" on desktop GL
  float ui_scale = 1.0f;       // devicePixelRatio on the web, the content scale on the desktop
};

// Inside a catch: what the exception says, as the status line shows it (an InputError's `field: message`).
std::string current_exception_message();

class Shell {
 public:
  Shell(GLFWwindow* window, const ShellConfig& config);
  ~Shell();

  void frame();                       // render() and present it
  void render();                      // poll input, draw the UI into the back buffer (screenshots read it here)
  void set_ui_scale(float ui_scale);  // rebuilds fonts and style when the pixel ratio changes
  float ui_scale() const { return ui_scale_; }
  double last_frame_ms() const { return last_frame_ms_; }  // UI build + recompute, CPU side

  ui::AppState& state() { return state_; }
  KernelComputeService& service() { return service_; }
  TrainerService& trainer() { return trainer_; }
  void select_view(const std::string& id) { view_.select_tab = id; }
  const ui::ViewState& view() const { return view_; }  // what the panels show (window.playground.viewState)
  // A preset loaded from outside the panels (window.playground.loadPreset): the preset box names it.
  void loaded_preset(const std::string& id) {
    view_.editor.preset = id;
    view_.editor.preset_revision = state_.scenario_revision();
  }

 private:
  void load_fonts();
  void take_capture();  // a requested PNG of part of the frame just drawn (ui/exchange.hpp)

  GLFWwindow* window_;
  ShellConfig config_;
  float ui_scale_;
  KernelComputeService service_;
  TrainerService trainer_;
  CostMeasurementService cost_;
  ui::AppState state_;
  ui::ViewState view_;
  ui::PanelContext panel_context_;  // hung on the ImGui context (ui/panel_context.hpp)
  GlTextureStore textures_;  // after the GL context exists (the platform main made it current)
  double last_frame_ms_ = 0;
  std::optional<std::chrono::steady_clock::time_point> frame_started_;  // the last frame's start, for the interval
};

}  // namespace ap::app
