// The page: saves become downloads, the clipboard is navigator.clipboard, "Open…" clicks a hidden file
// input. web/playground_api.js implements the Module.* functions called here and hands files and pasted
// text back through ap_file_arrived / ap_paste_text (main_web.cpp).
#include "app/platform_requests.hpp"

#include <cstdlib>

#include <emscripten.h>
#include <imgui.h>

#include "ui/exchange.hpp"

namespace ap::app {

void install_platform_requests(GLFWwindow* /*window*/) {
  ui::Exchange& ex = ui::exchange();
  ex.browser = true;
  // The page's address without its fragment, copied into the module's heap (freed here).
  char* url = reinterpret_cast<char*>(EM_ASM_INT({
    const text = Module.pageAddress();
    const size = lengthBytesUTF8(text) + 1;
    const pointer = _malloc(size);
    stringToUTF8(text, pointer, size);
    return pointer;
  }));
  ex.page_url = url;
  std::free(url);
  // Pasted text comes from the page's paste event (the real clipboard, see ap_paste_text); ImGui's own
  // Ctrl+V would read GLFW's in-page copy instead. ImGui's Ctrl+C goes to the real clipboard.
  ImGuiIO& io = ImGui::GetIO();
  io.GetClipboardTextFn = [](void*) -> const char* { return ""; };
  io.SetClipboardTextFn = [](void*, const char* text) { EM_ASM({ Module.copyText(UTF8ToString($0)); }, text); };
}

void fulfil_platform_requests(GLFWwindow* /*window*/) {
  ui::Exchange& ex = ui::exchange();
  for (const ui::SaveRequest& save : ex.saves) {
    EM_ASM({ Module.saveFile(UTF8ToString($0), UTF8ToString($1), HEAPU8.slice($2, $2 + $3)); }, save.name.c_str(),
           save.mime.c_str(), save.bytes.data(), save.bytes.size());
    ex.notice = "downloaded " + save.name;
    ex.notice_is_error = false;
  }
  ex.saves.clear();
  if (ex.copy_text) EM_ASM({ Module.copyText(UTF8ToString($0)); }, ex.copy_text->c_str());
  ex.copy_text.reset();
  if (ex.pick_file) EM_ASM({ Module.pickFile(); });
  ex.pick_file = false;
  ex.open_path.reset();  // no paths in a browser
}

}  // namespace ap::app
