// Web shell: the canvas follows its CSS size times devicePixelRatio (crisp text at any ratio), the main
// loop is the browser's, and window.playground (web/playground_api.js) calls the functions below.
#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <malloc.h>
#include <nlohmann/json.hpp>

#include "app/platform_requests.hpp"
#include "app/shell.hpp"
#include "gpu/attention_backend.hpp"
#include "core/breakdown.hpp"
#include "core/presets.hpp"
#include "io/scenario_binary.hpp"
#include "io/scenario_json.hpp"
#include "io/share_link.hpp"
#include "io/trace_json.hpp"
#include "ui/exchange.hpp"
#include "ui/widget_rects.hpp"

namespace {

ap::app::Shell* g_shell = nullptr;
GLFWwindow* g_window = nullptr;
bool g_first_frame_reported = false;
std::string g_binary;           // the buffer ap_scenario_binary() returned last (read by JS after the call) …
std::size_t g_binary_size = 0;  // … and its size
// The text every other function returned last: JS copies each answer before it calls again (ccall's 'string'
// return), and a call that draws frames meanwhile (widgetRect) writes its own answer after theirs.
std::string g_reply;

// Size the canvas backbuffer to CSS size × devicePixelRatio; GLFW then reports that size in pixels.
float fit_canvas() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  const double dpr = emscripten_get_device_pixel_ratio();
  const int want_w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
  const int want_h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
  int w = 0, h = 0;
  glfwGetWindowSize(g_window, &w, &h);
  // Not glfwSetWindowSize: Emscripten's GLFW takes a window exactly the screen's size for a fullscreen
  // request (console errors, the canvas wrapped in a div per frame). Sizing the canvas itself tells GLFW too.
  if (w != want_w || h != want_h) EM_ASM({ Browser.setCanvasSize($0, $1); }, want_w, want_h);
  return static_cast<float>(dpr);
}

// [SECTION] The boundary: nothing thrown below may reach JavaScript, where it would stop the main loop or make
// window.playground throw. What the exported functions and the frame throw becomes the usual message here.

std::string error_json(const std::string& message) { return nlohmann::json{{"ok", false}, {"error", message}}.dump(); }

// A string returned to JS lives until the next call that returns one.
const char* keep(std::string value) {
  g_reply = std::move(value);
  return g_reply.c_str();
}

// `make` builds the answer; an exception gives {"ok": false, "error"} instead.
template <class F>
const char* answer(F&& make) noexcept {
  try {
    return keep(make());
  } catch (...) {
    return keep(error_json(ap::app::current_exception_message()));
  }
}

// The same for functions that answer a number (or nothing): `fallback` on an exception, whose message
// the status line shows.
template <class T, class F>
T answer_or(T fallback, F&& make) noexcept {
  try {
    return make();
  } catch (...) {
    try { g_shell->state().report({"", ap::app::current_exception_message()}); } catch (...) {}
    return fallback;
  }
}

// Text from JS arrives as bytes and a length (web/playground_api.js), so a NUL inside it reaches the readers,
// which refuse it by position, instead of cutting the text short.
std::string_view bytes(const char* data, int size) {
  return size > 0 && data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

void frame() {
  answer_or(0, [] {
    EM_ASM({ if (Module.beforeFrame) Module.beforeFrame(); });
    g_shell->set_ui_scale(fit_canvas());
    g_shell->frame();
    if (!g_first_frame_reported) {
      g_first_frame_reported = true;
      EM_ASM({ if (Module.onFirstFrame) Module.onFirstFrame(); });
    }
    ap::app::fulfil_platform_requests(g_window);
    EM_ASM({ if (Module.afterFrame) Module.afterFrame(); });
    return 0;
  });
}

// {x, y, w, h} in CSS pixels of the canvas, or null. A widget that is not on screen (a cell of a folded
// weight section, or scrolled away) is revealed first: a few frames are drawn here, opening its section
// and scrolling it into view until it stays put.
std::string widget_rect_json(const std::string& id) {
  auto& rects = ap::ui::widget_rects();
  auto rect = rects.find(id);
  if (!rect) {  // reveal, then draw until the scroll has settled (the rect is the same two frames running)
    rects.request_reveal(id);
    for (int i = 0; i < 3 && !rect; ++i) {
      frame();
      rect = rects.find(id);
    }
    rects.request_reveal("");
    for (int i = 0; i < 4 && rect; ++i) {
      frame();
      const auto next = rects.find(id);
      const bool settled = next && next->x == rect->x && next->y == rect->y;
      rect = next;
      if (settled) break;
    }
  }
  if (!rect) return std::string("null");
  const float s = g_shell->ui_scale();
  return nlohmann::json{{"x", rect->x / s}, {"y", rect->y / s}, {"w", rect->w / s}, {"h", rect->h / s}}.dump();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* ap_load_scenario(const char* json, int size) {
  return answer([&] {
    const auto error = g_shell->state().load_json(bytes(json, size));
    return error ? error_json(error->what()) : std::string(R"({"ok":true})");
  });
}

EMSCRIPTEN_KEEPALIVE const char* ap_get_scenario() {
  return answer([] { return ap::io::scenario_to_string(g_shell->state().scenario()); });
}

EMSCRIPTEN_KEEPALIVE const char* ap_get_trace() {
  return answer([] { return ap::io::trace_to_json(g_shell->state().trace()).dump(); });
}

// Some query rows of the trace ("[0, 1, 1023]"), as attention-cli run --rows prints them.
EMSCRIPTEN_KEEPALIVE const char* ap_get_trace_rows(const char* rows_json, int size) {
  return answer([&] {
    std::vector<int> rows;
    try {
      const std::string_view text = bytes(rows_json, size);
      rows = nlohmann::json::parse(text.begin(), text.end()).get<std::vector<int>>();
    } catch (const std::exception& e) {
      return error_json(std::string("rows: expected an array of row numbers (") + e.what() + ")");
    }
    return ap::io::trace_rows_to_json(g_shell->state().trace(), rows).dump();
  });
}

EMSCRIPTEN_KEEPALIVE const char* ap_backends() {
  return answer([] { return nlohmann::json(g_shell->state().backends()).dump(); });
}

EMSCRIPTEN_KEEPALIVE const char* ap_set_backend(const char* name, int size) {
  return answer([&] {
    const auto error = g_shell->state().set_backend(std::string(bytes(name, size)));
    return error ? error_json(error->what()) : std::string(R"({"ok":true})");
  });
}

// {x, y, w, h} in CSS pixels of the canvas, or null (widget_rect_json).
EMSCRIPTEN_KEEPALIVE const char* ap_widget_rect(const char* id_bytes, int size) {
  return answer([&] { return widget_rect_json(std::string(bytes(id_bytes, size))); });
}

EMSCRIPTEN_KEEPALIVE const char* ap_widget_ids() {
  return answer([] {
    std::vector<std::string> sorted;
    for (const auto& [id, rect] : ap::ui::widget_rects().all()) sorted.push_back(id);
    std::sort(sorted.begin(), sorted.end());
    return nlohmann::json(sorted).dump();
  });
}

EMSCRIPTEN_KEEPALIVE double ap_last_frame_ms() { return g_shell->last_frame_ms(); }
EMSCRIPTEN_KEEPALIVE int ap_revision() { return static_cast<int>(g_shell->state().revision()); }
EMSCRIPTEN_KEEPALIVE int ap_scenario_revision() { return static_cast<int>(g_shell->state().scenario_revision()); }
EMSCRIPTEN_KEEPALIVE int ap_undo_depth() { return static_cast<int>(g_shell->state().undo_depth()); }
EMSCRIPTEN_KEEPALIVE int ap_undo() { return answer_or(0, [] { return g_shell->state().undo() ? 1 : 0; }); }
EMSCRIPTEN_KEEPALIVE int ap_redo() { return answer_or(0, [] { return g_shell->state().redo() ? 1 : 0; }); }
EMSCRIPTEN_KEEPALIVE double ap_last_compute_ms() { return g_shell->state().result().milliseconds; }
EMSCRIPTEN_KEEPALIVE void ap_cancel_compute() {
  answer_or(0, [] {
    g_shell->state().cancel_compute();
    return 0;
  });
}
EMSCRIPTEN_KEEPALIVE void ap_recompute() {
  answer_or(0, [] {
    g_shell->state().recompute();
    return 0;
  });
}
EMSCRIPTEN_KEEPALIVE void ap_compare_with_reference() {
  answer_or(0, [] {
    g_shell->state().compare_with_reference();
    return 0;
  });
}

// [SECTION] Presets and explanations (SPEC §3 presets, loadPreset, explain)

EMSCRIPTEN_KEEPALIVE const char* ap_presets() {
  return answer([] {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : ap::core::presets()) list.push_back({{"name", p.id}, {"title", p.title}});
    return list.dump();
  });
}

EMSCRIPTEN_KEEPALIVE const char* ap_load_preset(const char* name_bytes, int size) {
  return answer([&] {
    const std::string name(bytes(name_bytes, size));
    std::optional<ap::core::Error> error;
    try {
      error = g_shell->state().propose(ap::core::make_preset(name));
    } catch (const ap::core::InputError& e) {
      error = e.error;
    }
    if (error) return error_json(error->what());
    g_shell->loaded_preset(name);
    return std::string(R"({"ok":true})");
  });
}

// {value, formula, terms: [{label, a, b}]} or, for a weight, {value, formula, numerator, denominator, masked, s, max,
// denominator_terms: [{label, a, b}]} (Σ a·b = denominator); null for an
// id that names no cell of the trace on screen.
EMSCRIPTEN_KEEPALIVE const char* ap_explain(const char* id, int size) {
  return answer([&] {
    const auto& state = g_shell->state();
    if (!state.trace_fits()) return std::string("null");
    const auto b = ap::core::explain_cell(state.scenario(), state.trace(), std::string(bytes(id, size)));
    if (!b) return std::string("null");
    nlohmann::json j{{"value", b->value}, {"formula", b->formula}};
    if (b->is_ratio) {
      j["numerator"] = b->numerator;
      j["denominator"] = b->denominator;
      j["masked"] = b->masked;
      j["s"] = b->logit;  // s_ij and max_i as the softmax saw them: numerator = exp(s − max)
      j["max"] = b->row_max;
      nlohmann::json parts = nlohmann::json::array();  // the denominator's exp(s_ik − max) (and a sink's)
      for (const auto& t : b->denominator_terms) parts.push_back({{"label", t.label}, {"a", t.a}, {"b", t.b}});
      j["denominator_terms"] = std::move(parts);
    } else {
      nlohmann::json terms = nlohmann::json::array();
      for (const auto& t : b->terms) terms.push_back({{"label", t.label}, {"a", t.a}, {"b", t.b}});
      j["terms"] = std::move(terms);
    }
    return j.dump();
  });
}

// [SECTION] What the views show (an addition to SPEC §3: viewState), for scripts that check a view's state
// {tab, head, steps: {query, stage, stage_id, stages, playing, seconds_per_stage},
//  headView: {all_heads, focus_query, focus_key, lines, hidden, cutoff, per_query, thumbnails}}.
EMSCRIPTEN_KEEPALIVE const char* ap_view_state() {
  return answer([] {
    const ap::ui::ViewState& v = g_shell->view();
    nlohmann::json stages = nlohmann::json::array();
    std::string stage_id;
    if (v.steps.walk) {
      for (const auto& st : v.steps.walk->stages) stages.push_back(st.id);
      if (v.steps.stage >= 0 && v.steps.stage < static_cast<int>(v.steps.walk->stages.size()))
        stage_id = v.steps.walk->stages[static_cast<std::size_t>(v.steps.stage)].id;
    }
    const auto& hl = v.head_lines;
    nlohmann::json thumbs = nlohmann::json::array();
    for (const auto& t : hl.thumbnails) thumbs.push_back({{"lines", t.lines.size()}, {"hidden", t.hidden}});
    return nlohmann::json{
        {"tab", v.current_tab},
        {"head", v.head},
        {"steps", {{"query", v.steps.query}, {"stage", v.steps.stage}, {"stage_id", stage_id}, {"stages", stages},
                   {"playing", v.steps.playing}, {"seconds_per_stage", v.steps.seconds_per_stage}}},
        {"headView", {{"all_heads", hl.all_heads}, {"focus_query", hl.focus_query}, {"focus_key", hl.focus_key},
                      {"lines", hl.lines.lines.size()}, {"hidden", hl.lines.hidden}, {"cutoff", hl.lines.cutoff},
                      {"per_query", hl.lines.per_query},
                      {"thumbnails", thumbs}}}}
        .dump();
  });
}

// [SECTION] The training lab (SPEC §3 trainStart / trainState / trainStop)

// {task, steps, seed, layers, heads, d_model, scale: "inv_sqrt_dk" | "none", lr} → {"ok": true} or {"ok": false, error}.
EMSCRIPTEN_KEEPALIVE const char* ap_train_start(const char* json, int size) {
  return answer([&] {
    ap::ui::TrainingSettings settings;
    try {
      const std::string_view text = bytes(json, size);
      const auto j = nlohmann::json::parse(text.begin(), text.end());
      if (!j.is_object()) throw std::runtime_error("expected an object of options");
      settings.task = j.value("task", settings.task);
      settings.steps = j.value("steps", 0);
      settings.seed = j.value("seed", 1ULL);
      settings.layers = j.value("layers", 0);
      settings.heads = j.value("heads", 0);
      settings.d_model = j.value("d_model", 0);
      settings.lr = j.value("lr", 0.0);
      const std::string scale = j.value("scale", std::string("inv_sqrt_dk"));
      if (scale != "inv_sqrt_dk" && scale != "none") return error_json(R"(scale: expected "inv_sqrt_dk" or "none")");
      settings.scaled = scale == "inv_sqrt_dk";
    } catch (const std::exception& e) {
      return error_json(std::string("trainStart: ") + e.what());
    }
    auto& trainer = g_shell->trainer();
    if (const auto error = trainer.start(settings)) return error_json(error->what());
    trainer.run(true);
    g_shell->select_view("view.training");
    return std::string(R"({"ok":true})");
  });
}

EMSCRIPTEN_KEEPALIVE const char* ap_train_state() {
  return answer([] {
    const ap::ui::TrainingRun* run = g_shell->trainer().main_run();
    if (!run) return std::string(R"({"running":false,"step":0,"loss":null,"accuracy":null})");
    nlohmann::json heads = nlohmann::json::array();
    for (const auto& h : run->heads) {
      nlohmann::json one{{"layer", h.layer}, {"head", h.head}, {"ablated", h.ablated}};
      one["previous_token"] = h.previous_token ? nlohmann::json(*h.previous_token) : nlohmann::json();
      one["prefix_match"] = h.prefix_match ? nlohmann::json(*h.prefix_match) : nlohmann::json();
      heads.push_back(std::move(one));
    }
    return nlohmann::json{{"running", run->running}, {"step", run->step}, {"steps", run->settings.steps},
                          {"loss", run->loss}, {"accuracy", run->accuracy}, {"eval_loss", run->eval_loss},
                          {"finished", run->finished}, {"learned", run->learned}, {"diverged", run->diverged},
                          {"task", run->settings.task}, {"head_scores", std::move(heads)}}.dump();
  });
}

EMSCRIPTEN_KEEPALIVE void ap_train_stop() {
  answer_or(0, [] {
    g_shell->trainer().run(false);
    return 0;
  });
}

// [SECTION] The scenario as one binary buffer (io/scenario_binary.hpp): autosave to IndexedDB, fast loading

// The buffer stays valid until the next call; its size is ap_scenario_binary_size(). Null (size 0) when it could
// not be made, which the status line then explains.
EMSCRIPTEN_KEEPALIVE const char* ap_scenario_binary() {
  return answer_or<const char*>(nullptr, [] {
    g_binary_size = 0;
    ap::io::scenario_to_binary(g_shell->state().scenario(), g_binary);
    g_binary_size = g_binary.size();
    return g_binary.data();
  });
}
EMSCRIPTEN_KEEPALIVE int ap_scenario_binary_size() { return static_cast<int>(g_binary_size); }

EMSCRIPTEN_KEEPALIVE const char* ap_load_scenario_binary(const char* data, int size) {
  return answer([&] {
    std::optional<ap::core::Error> error;
    try {
      error = g_shell->state().propose(ap::io::scenario_from_binary(bytes(data, size)));
    } catch (const ap::core::InputError& e) {
      error = e.error;
      g_shell->state().report(e.error);
    }
    return error ? error_json(error->what()) : std::string(R"({"ok":true})");
  });
}

// The page could not keep the scenario (storage full or refused): said on screen, never silently.
EMSCRIPTEN_KEEPALIVE void ap_storage_problem(const char* text, int size) {
  answer_or(0, [&] {
    ap::ui::exchange().notice = std::string(bytes(text, size));
    ap::ui::exchange().notice_is_error = true;
    return 0;
  });
}

// [SECTION] WebGPU backend (src/gpu): status, pending work, the output kernel, kernel benchmarks

// 1 while the result for the scenario on screen is still to come (window.playground.whenIdle waits for 0).
// The mouse wheel in GLFW's steps (up and left positive), from the page's own listener (web/playground_api.js
// says why Emscripten's is bypassed).
EMSCRIPTEN_KEEPALIVE void ap_mouse_wheel(double x_steps, double y_steps) {
  if (g_window) ImGui_ImplGlfw_ScrollCallback(g_window, x_steps, y_steps);
}

EMSCRIPTEN_KEEPALIVE int ap_busy() {
  return answer_or(0, [] { return g_shell->state().computing() || g_shell->service().gpu_busy() ? 1 : 0; });
}

EMSCRIPTEN_KEEPALIVE const char* ap_webgpu_status() {
  return answer([] {
    const ap::gpu::Status s = g_shell->service().gpu().status();
    return nlohmann::json{{"state", ap::gpu::to_string(s.state)}, {"available", s.usable()},
                          {"message", s.message}, {"adapter", s.adapter}}.dump();
  });
}

// What the backend line shows: time, largest difference from the reference, progress, the GPU's note.
EMSCRIPTEN_KEEPALIVE const char* ap_compute_info() {
  return answer([] {
    const auto& state = g_shell->state();
    const auto& r = state.result();
    return nlohmann::json{{"backend", state.backend()}, {"trace_backend", r.trace.backend},
                          {"milliseconds", r.milliseconds}, {"max_diff_vs_reference", r.max_diff_vs_reference},
                          {"compared", r.compared}, {"comparing", state.comparing()},
                          {"pending", state.computing()}, {"computing", state.computing()},
                          {"progress", state.progress()}, {"cancelled", state.cancelled()},
                          {"recorded_heads", r.recorded_heads}, {"note", r.note},
                          {"heap_in_use", static_cast<double>(mallinfo().uordblks)}}.dump();
  });
}

// "auto" (fused kernel from ap::gpu::flash_min_keys keys on), "weighted_sum" or "flash"; applies from the next compute.
EMSCRIPTEN_KEEPALIVE const char* ap_gpu_set_output_kernel(const char* name, int size) {
  return answer([&] {
    const std::string_view n = bytes(name, size);
    if (n != "auto" && n != "weighted_sum" && n != "flash")
      return std::string(R"({"ok":false,"error":"output kernel: expected auto, weighted_sum or flash"})");
    g_shell->service().set_gpu_output_kernel(n == "flash" ? ap::gpu::OutputKernel::flash
                                             : n == "weighted_sum" ? ap::gpu::OutputKernel::weighted_sum
                                                                   : ap::gpu::OutputKernel::automatic);
    return std::string(R"({"ok":true})");
  });
}

// {"n", "d_k", "heads", "repeat", "cpu_backends": [...]} → {"ok": true} or {"ok": false, "error"}.
EMSCRIPTEN_KEEPALIVE const char* ap_gpu_bench_start(const char* json, int size) {
  return answer([&] {
    ap::gpu::BenchConfig c;
    try {
      const std::string_view text = bytes(json, size);
      const auto j = nlohmann::json::parse(text.begin(), text.end());
      c.n = j.value("n", c.n);
      c.d_k = j.value("d_k", c.d_k);
      c.heads = j.value("heads", c.heads);
      c.repeat = j.value("repeat", c.repeat);
      c.cpu_backends = j.value("cpu_backends", std::vector<std::string>{});
    } catch (const std::exception& e) {
      return error_json(std::string("bench: ") + e.what());
    }
    std::string why_not;
    if (!g_shell->service().gpu().start_bench(c, &why_not)) return error_json(why_not);
    return std::string(R"({"ok":true})");
  });
}

// null while the benchmark runs (call once a frame), then {"rows": [...], "error": ""}.
EMSCRIPTEN_KEEPALIVE const char* ap_gpu_bench_poll() {
  return answer([] {
    std::vector<ap::gpu::BenchRow> rows;
    std::string error;
    if (!g_shell->service().gpu().poll_bench(rows, error)) return std::string("null");
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows)
      list.push_back({{"kernel", r.kernel}, {"n", r.n}, {"d_k", r.d_k}, {"heads", r.heads}, {"ms_median", r.ms_median},
                      {"ms_min", r.ms_min}, {"batch", r.batch}, {"gflops", r.gflops}});
    return nlohmann::json{{"rows", list}, {"error", error}}.dump();
  });
}

// [SECTION] Files, pasted text and share links (ui/exchange.hpp; web/playground_api.js)

// A file the user picked or dropped on the page: applied at the next frame (JSON or .npy).
EMSCRIPTEN_KEEPALIVE void ap_file_arrived(const char* name, const char* data, int size) {
  answer_or(0, [&] {
    ap::ui::exchange().files.push_back({name, std::string(bytes(data, size))});
    return 0;
  });
}

// Text from the page's paste event: goes into the grid cell last clicked, at the next frame.
EMSCRIPTEN_KEEPALIVE void ap_paste_text(const char* text, int size) {
  answer_or(0, [&] {
    ap::ui::exchange().pastes.emplace_back(bytes(text, size));
    return 0;
  });
}

// "s=z.<base64url of the deflated scenario JSON>": what follows '#' in a share link.
EMSCRIPTEN_KEEPALIVE const char* ap_share_fragment() {
  return answer([] { return ap::io::share_fragment(ap::io::scenario_to_string(g_shell->state().scenario())); });
}

// Loads the scenario of a share link's fragment ("s=z...", "s=..." or the older "z=..."): {"ok"} or
// {"ok": false, "error"}.
EMSCRIPTEN_KEEPALIVE const char* ap_load_share_fragment(const char* fragment, int size) {
  return answer([&] {
    std::optional<ap::core::Error> error;
    try {
      error = g_shell->state().load_json(ap::io::scenario_json_from_fragment(bytes(fragment, size)));
    } catch (const ap::core::InputError& e) {
      error = e.error;
      g_shell->state().report(e.error);  // shown in the status line: the link, not the scenario, is broken
    }
    return error ? error_json(error->what()) : std::string(R"({"ok":true})");
  });
}

EMSCRIPTEN_KEEPALIVE const char* ap_last_error() {
  return answer([] {
    const auto& e = g_shell->state().last_error();
    return e ? e->what() : std::string();
  });
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
  ap::app::install_platform_requests(g_window);
  emscripten_set_main_loop(frame, 0, true);  // never returns
  return 0;
}
