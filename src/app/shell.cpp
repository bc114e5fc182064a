// Shared shell: ImGui context, fonts, frame.
#include "app/shell.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <new>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // ErrorCheckEndFrameRecover
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "app/screenshot.hpp"
#include "core/error.hpp"
#include "core/presets.hpp"
#include "ui/exchange.hpp"
#include "ui/playground.hpp"

namespace ap::app {

namespace {
// What a frame gives the computation under way in the page (a thread on the desktop ignores it): half of a
// 60 Hz frame, so frames keep coming at about 30 per second or more while a large layer computes.
constexpr double compute_budget_ms = 8.0;
// What a frame gives the training lab's runs (on this thread: a step of its small models is about a millisecond):
// a quarter of the time between frames, at least 6 ms and at most 40, so training keeps pace with the display
// where frames are slow to draw (a software-rendered page) and frames keep at least 3/4 of their rate.
double training_budget_ms(double frame_interval_ms) { return std::clamp(0.25 * frame_interval_ms, 6.0, 40.0); }
// What a frame gives the Cost view's measurement (pieces of about 4 ms each, core::CostPlan): one or two pieces, so
// frames keep coming at 30 per second or more while it measures.
constexpr double cost_budget_ms = 6.0;
}  // namespace

Shell::Shell(GLFWwindow* window, const ShellConfig& config)
    : window_(window), config_(config), ui_scale_(config.ui_scale), state_(service_, core::make_preset("classic")) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ui::install_panel_context(panel_context_);
  ImGui::GetIO().IniFilename = nullptr;  // layout is code, not a file
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init(config_.glsl_version.c_str());
  load_fonts();
  ui::apply_style(ui_scale_);
  view_.heatmaps.textures = &textures_;
  view_.training = &trainer_;
  view_.cost = &cost_;
  loaded_preset("classic");  // the preset box names what the first screen shows
}

Shell::~Shell() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
}

void Shell::load_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  // Latin, Greek, punctuation, super/subscripts (ᵀ), arrows, maths operators, shapes, dingbats (✓).
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x1D00, 0x1D7F, 0x2000, 0x209F,
                                   0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0x2700, 0x27BF, 0};
  const float pixels = 15.0f * ui_scale_;
  if (std::ifstream(config_.font_path).good()) {
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    io.Fonts->AddFontFromFileTTF(config_.font_path.c_str(), pixels, &cfg, ranges);
  } else {
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * ui_scale_;
    io.Fonts->AddFontDefault(&cfg);
  }
  io.Fonts->Build();
}

void Shell::set_ui_scale(float ui_scale) {
  if (ui_scale == ui_scale_) return;
  ui_scale_ = ui_scale;
  load_fonts();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ui::apply_style(ui_scale_);
}

void Shell::frame() {
  render();
  glfwSwapBuffers(window_);
}

void Shell::render() {
  glfwPollEvents();
  const auto t0 = std::chrono::steady_clock::now();
  const double interval_ms = frame_started_ ? std::chrono::duration<double, std::milli>(t0 - *frame_started_).count() : 0.0;
  frame_started_ = t0;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  try {
    state_.poll(compute_budget_ms);  // the computation under way gets its slice, and its result when it arrives
    trainer_.advance(training_budget_ms(interval_ms));
    cost_.advance(cost_budget_ms);  // the Cost view's measurement, when one is under way
    ui::draw_playground(state_, view_);
  } catch (...) {
    // Nothing a view throws may stop the app (a bug, an allocation that failed): the windows the frame left
    // open are closed, and the status line says what happened.
    ImGui::ErrorCheckEndFrameRecover(nullptr);
    state_.report({"", current_exception_message()});
  }
  ImGui::Render();
  last_frame_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.10f, 0.10f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  textures_.end_frame();
  take_capture();
}

std::string current_exception_message() {
  try {
    throw;
  } catch (const core::InputError& e) {
    return e.error.what();
  } catch (const std::bad_alloc&) {
    return "out of memory: could not allocate what this needs";
  } catch (const std::exception& e) {
    return std::string("unexpected error: ") + e.what();
  } catch (...) {
    return "unexpected error";
  }
}

void Shell::take_capture() {
  ui::Exchange& ex = ui::exchange();
  if (!ex.capture || --ex.capture->frames_to_wait > 0) return;
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;  // window → framebuffer pixels (desktop HiDPI)
  const ui::Rect& r = ex.capture->rect;
  std::string png = framebuffer_png(static_cast<int>(r.x * scale.x), static_cast<int>(r.y * scale.y),
                                    static_cast<int>(r.w * scale.x), static_cast<int>(r.h * scale.y));
  if (png.empty()) {
    ex.notice = "nothing to save: " + ex.capture->name + " is outside the window";
    ex.notice_is_error = true;
  } else {
    ex.saves.push_back({ex.capture->name, "image/png", std::move(png)});
  }
  ex.capture.reset();
}

}  // namespace ap::app
