// Saves the current GL framebuffer as a PNG (desktop smoke tests keep one as an artifact).
#pragma once

#include <string>

namespace ap::app {

bool save_framebuffer_png(const std::string& path, int width, int height);

}  // namespace ap::app
