// glReadPixels → stb_image_write. Rows are flipped: GL's origin is bottom-left, PNG's top-left.
#include "app/screenshot.hpp"

#include <algorithm>
#include <vector>

#include <GLFW/glfw3.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace ap::app {

namespace {

std::vector<unsigned char> read_rgba(int x, int y_bottom, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(x, y_bottom, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  for (auto i = 3u; i < pixels.size(); i += 4) pixels[i] = 255;  // the canvas may carry alpha; a picture must not
  return pixels;
}

void append(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

bool save_framebuffer_png(const std::string& path, int width, int height) {
  const auto pixels = read_rgba(0, 0, width, height);
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4) != 0;
}

std::string framebuffer_png(int x, int y, int width, int height) {
  GLint viewport[4] = {0, 0, 0, 0};
  glGetIntegerv(GL_VIEWPORT, viewport);
  const int frame_w = viewport[2], frame_h = viewport[3];
  const int x0 = std::clamp(x, 0, frame_w), y0 = std::clamp(y, 0, frame_h);
  const int x1 = std::clamp(x + width, 0, frame_w), y1 = std::clamp(y + height, 0, frame_h);
  if (x1 <= x0 || y1 <= y0) return {};
  const int w = x1 - x0, h = y1 - y0;
  const auto pixels = read_rgba(x0, frame_h - y1, w, h);
  std::string png;
  stbi_flip_vertically_on_write(1);
  stbi_write_png_to_func(append, &png, w, h, 4, pixels.data(), w * 4);
  return png;
}

}  // namespace ap::app
