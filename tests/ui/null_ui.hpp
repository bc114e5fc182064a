// Dear ImGui with no window and no GPU (its own CI habit: a "null backend"), driving the real panels frame by frame
// with scripted mouse and keys, so the UI runs under the sanitizers and in plain unit tests.
#pragma once

#include <optional>
#include <string>

#include <imgui.h>

#include "ui/app_state.hpp"
#include "ui/playground.hpp"
#include "ui/textures.hpp"
#include "ui/widget_rects.hpp"

namespace ap::test {

class NullUi {
 public:
  NullUi(float width = 1280, float height = 800) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(std::intptr_t{1}));
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k + 1;  // the backend's key codes: 1, 2, …
    ui::apply_style(1.0f);
    view.heatmaps.textures = &textures;
  }
  ~NullUi() { ImGui::DestroyContext(); }
  NullUi(const NullUi&) = delete;
  NullUi& operator=(const NullUi&) = delete;

  void frame(ui::AppState& state) {
    ImGui::NewFrame();
    state.poll(8);
    ui::draw_playground(state, view);
    ImGui::Render();
    ImGuiIO& io = ImGui::GetIO();
    io.MouseWheel = 0;
  }
  void frames(ui::AppState& state, int count) {
    for (int i = 0; i < count; ++i) frame(state);
  }
  // Widget `id`'s rectangle, scrolled into view first if it is off screen, as window.playground.widgetRect does
  // (src/app/main_web.cpp); nothing when the panels do not draw it.
  std::optional<ui::Rect> find(ui::AppState& state, const std::string& id) {
    auto r = ui::widget_rects().find(id);
    if (r) return r;
    ui::widget_rects().request_reveal(id);
    for (int i = 0; i < 6 && !r; ++i) {
      frame(state);
      r = ui::widget_rects().find(id);
    }
    ui::widget_rects().request_reveal("");
    frames(state, 2);
    return ui::widget_rects().find(id);
  }
  // A real click on widget `id`: moved there, pressed for a frame, released (ImGui 1.86 has no input queue).
  bool click(ui::AppState& state, const std::string& id) {
    const auto r = find(state, id);
    if (!r) return false;
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(r->x + r->w / 2, r->y + r->h / 2);
    frame(state);
    io.MouseDown[0] = true;
    frame(state);
    io.MouseDown[0] = false;
    frames(state, 2);
    return true;
  }
  void key(ui::AppState& state, ImGuiKey key, bool ctrl = false, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = ctrl;
    io.KeyShift = shift;
    io.KeysDown[io.KeyMap[key]] = true;
    frame(state);
    io.KeysDown[io.KeyMap[key]] = false;
    frame(state);
    io.KeyCtrl = io.KeyShift = false;
  }
  void type(ui::AppState& state, const std::string& text) {
    for (char c : text) {
      ImGui::GetIO().AddInputCharacter(static_cast<unsigned char>(c));
      frame(state);
    }
  }
  // Click a field, select all, type, press Enter.
  bool type_into(ui::AppState& state, const std::string& id, const std::string& text) {
    if (!click(state, id)) return false;
    key(state, ImGuiKey_A, true);
    type(state, text);
    key(state, ImGuiKey_Enter);
    return true;
  }
  void wheel(ui::AppState& state, const std::string& id, float amount, int times) {
    const auto r = ui::widget_rects().find(id);
    if (!r) return;
    ImGui::GetIO().MousePos = ImVec2(r->x + r->w * 0.6f, r->y + r->h * 0.6f);
    for (int i = 0; i < times; ++i) {
      ImGui::GetIO().MouseWheel = amount;
      frame(state);
    }
  }

  ui::ViewState view;
  ui::NullTextureStore textures;
};

}  // namespace ap::test
