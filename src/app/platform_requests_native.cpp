// Desktop: saves go into the working directory (or the folder of the file last opened), the clipboard is
// GLFW's, files come from the path field or are dropped on the window.
#include "app/platform_requests.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "ui/exchange.hpp"

namespace ap::app {

namespace {

void notify(std::string text, bool error) {
  ui::exchange().notice = std::move(text);
  ui::exchange().notice_is_error = error;
}

void read_into_exchange(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    notify("cannot open " + path, true);
    return;
  }
  std::stringstream bytes;
  bytes << file.rdbuf();
  ui::exchange().files.push_back({path, bytes.str()});
}

// More than one number ("1, 2", a line break, a list): a block for the grid, not text for one cell.
bool is_block(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1).find_first_of(" \t\n,;[") != std::string::npos;
}

// ImGui's Ctrl+V: a block goes to the grid (ui/imports.cpp), a single number into the cell as typed.
const char* clipboard_for_imgui(void* window) {
  const char* text = glfwGetClipboardString(static_cast<GLFWwindow*>(window));
  if (!text) return "";
  if (!is_block(text)) return text;
  ui::exchange().pastes.emplace_back(text);
  return "";
}

void on_drop(GLFWwindow* /*window*/, int count, const char** paths) {
  for (int i = 0; i < count; ++i) read_into_exchange(paths[i]);
}

}  // namespace

void install_platform_requests(GLFWwindow* window) {
  ui::Exchange& ex = ui::exchange();
  ex.browser = false;
  std::error_code error;
  ex.save_folder = std::filesystem::current_path(error).string();
  ex.page_url = "http://127.0.0.1:8080/index.html";  // where scripts/run.sh serves the page
  glfwSetDropCallback(window, on_drop);
  ImGui::GetIO().GetClipboardTextFn = clipboard_for_imgui;
  ImGui::GetIO().ClipboardUserData = window;
}

void fulfil_platform_requests(GLFWwindow* window) {
  ui::Exchange& ex = ui::exchange();
  for (const ui::SaveRequest& save : ex.saves) {
    const std::filesystem::path path = std::filesystem::path(ex.save_folder) / save.name;
    std::ofstream out(path, std::ios::binary);
    out.write(save.bytes.data(), static_cast<std::streamsize>(save.bytes.size()));
    if (out) notify("saved " + path.string(), false);
    else notify("could not write " + path.string(), true);
  }
  ex.saves.clear();
  if (ex.copy_text) glfwSetClipboardString(window, ex.copy_text->c_str());
  ex.copy_text.reset();
  if (ex.open_path) read_into_exchange(*ex.open_path);
  ex.open_path.reset();
  ex.pick_file = false;  // no picker on the desktop: the path field is the picker
}

}  // namespace ap::app
