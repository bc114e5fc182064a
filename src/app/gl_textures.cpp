// GL textures for the UI's heatmaps (see gl_textures.hpp). Only OpenGL 1.1-era calls, present in desktop GL 3
// and in WebGL2 alike, so this file is the same on both platforms.
#include "app/gl_textures.hpp"

#include <algorithm>
#include <cstdint>

#include <GLFW/glfw3.h>

namespace ap::app {

namespace {
constexpr long unused_frames_before_release = 120;

ImTextureID as_id(unsigned texture) { return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture)); }
}  // namespace

GlTextureStore::GlTextureStore() {
  GLint side = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &side);
  // 4096 is enough for the largest matrix the core allows; a smaller limit makes the heatmap pool cells.
  max_side_ = std::clamp(static_cast<int>(side), 256, 4096);
}

GlTextureStore::~GlTextureStore() {
  for (auto& [name, e] : entries_) glDeleteTextures(1, &e.texture);
}

ImTextureID GlTextureStore::get(const std::string& name) {
  const auto it = entries_.find(name);
  if (it == entries_.end()) return nullptr;
  it->second.last_used = frame_;
  return as_id(it->second.texture);
}

ImTextureID GlTextureStore::allocate(const std::string& name, int width, int height) {
  Entry& e = entries_[name];
  e.last_used = frame_;
  if (e.texture != 0 && e.width == width && e.height == height) return as_id(e.texture);
  if (e.texture == 0) glGenTextures(1, &e.texture);
  glBindTexture(GL_TEXTURE_2D, e.texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  e.width = width;
  e.height = height;
  return as_id(e.texture);
}

void GlTextureStore::upload_rows(const std::string& name, int y0, int rows, const std::uint32_t* rgba) {
  const auto it = entries_.find(name);
  if (it == entries_.end() || rows <= 0) return;
  glBindTexture(GL_TEXTURE_2D, it->second.texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, y0, it->second.width, rows, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

void GlTextureStore::end_frame() {
  ++frame_;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (frame_ - it->second.last_used > unused_frames_before_release) {
      glDeleteTextures(1, &it->second.texture);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace ap::app
