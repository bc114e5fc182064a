// The single exchange between panels and platform.
#include "ui/exchange.hpp"

namespace ap::ui {

void request_save(std::string name, std::string mime, std::string bytes) {
  exchange().saves.push_back({std::move(name), std::move(mime), std::move(bytes)});
}

void request_capture(Rect rect, std::string name) { exchange().capture = CaptureRequest{rect, std::move(name), 2}; }

void request_copy(std::string text, const std::string& what) {
  exchange().copy_text = std::move(text);
  exchange().notice = "copied " + what + " to the clipboard";
  exchange().notice_is_error = false;
}

}  // namespace ap::ui
