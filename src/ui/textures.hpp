// Images the UI draws without knowing any graphics API: a heatmap of any size is one texture. The UI hands RGBA
// pixels over under a name, a band of rows at a time (a 4096 × 4096 map is filled over a few frames, never in
// one long one); the platform (src/app/gl_textures.cpp) keeps them on the GPU. A texture not drawn for a while is
// released by the store, so views need not say when they stop drawing.
#pragma once

#include <cstdint>
#include <string>

#include <imgui.h>

namespace ap::ui {

class TextureStore {
 public:
  virtual ~TextureStore() = default;
  // The texture called `name` (marking it used this frame), or null if there is none.
  virtual ImTextureID get(const std::string& name) = 0;
  // Makes `name` a width × height texture (its pixels undefined until uploaded) unless it already has that size.
  virtual ImTextureID allocate(const std::string& name, int width, int height) = 0;
  // Rows [y0, y0 + rows) of `name`, RGBA, rows top to bottom, `width` pixels each.
  virtual void upload_rows(const std::string& name, int y0, int rows, const std::uint32_t* rgba) = 0;
  virtual int max_side() const = 0;  // the largest width or height one texture may have on this platform
  virtual void end_frame() = 0;      // releases textures that have not been used for a while
};

// Counts uploads and keeps no pixels: what the UI tests and the headless runs use.
class NullTextureStore final : public TextureStore {
 public:
  ImTextureID get(const std::string& name) override;
  ImTextureID allocate(const std::string& name, int width, int height) override;
  void upload_rows(const std::string& name, int y0, int rows, const std::uint32_t* rgba) override;
  int max_side() const override { return 4096; }
  void end_frame() override {}
  long uploaded_rows() const { return uploaded_rows_; }

 private:
  std::string last_;
  long uploaded_rows_ = 0;
};

}  // namespace ap::ui
