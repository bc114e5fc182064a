// The UI's TextureStore on OpenGL 3 / WebGL2 (the same calls on both): one GL texture per name, nearest
// filtering (a heatmap cell is a block of one colour at every zoom), released 120 frames after its last use.
#pragma once

#include <map>

#include "ui/textures.hpp"

namespace ap::app {

class GlTextureStore final : public ui::TextureStore {
 public:
  GlTextureStore();
  ~GlTextureStore() override;
  GlTextureStore(const GlTextureStore&) = delete;
  GlTextureStore& operator=(const GlTextureStore&) = delete;

  ImTextureID get(const std::string& name) override;
  ImTextureID allocate(const std::string& name, int width, int height) override;
  void upload_rows(const std::string& name, int y0, int rows, const std::uint32_t* rgba) override;
  int max_side() const override { return max_side_; }
  void end_frame() override;

 private:
  struct Entry {
    unsigned texture = 0;
    int width = 0, height = 0;
    long last_used = 0;
  };
  std::map<std::string, Entry> entries_;
  long frame_ = 0;
  int max_side_ = 2048;
};

}  // namespace ap::app
