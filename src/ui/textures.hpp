// Images the UI draws without knowing any graphics API: a heatmap of any size is one texture. The UI hands
// RGBA pixels over under a name and a content key; the platform (src/app/gl_textures.cpp) keeps them on the GPU.
// A texture not drawn for a while is released by the store, so views need not say when they stop drawing.
#pragma once

#include <cstdint>
#include <string>

#include <imgui.h>

namespace ap::ui {

class TextureStore {
 public:
  virtual ~TextureStore() = default;
  // The texture called `name` if it holds the pixels of `key`, else null (marks it used this frame).
  virtual ImTextureID find(const std::string& name, std::uint64_t key) = 0;
  // Replaces the texture called `name` with width × height RGBA pixels (rows top to bottom) made for `key`.
  virtual ImTextureID upload(const std::string& name, std::uint64_t key, int width, int height,
                             const std::uint32_t* rgba) = 0;
  virtual int max_side() const = 0;  // the largest width or height one texture may have on this platform
  virtual void end_frame() = 0;      // releases textures that have not been used for a while
};

// Keeps keys only (no GPU): what the tests and the headless UI run use.
class NullTextureStore final : public TextureStore {
 public:
  ImTextureID find(const std::string& name, std::uint64_t key) override;
  ImTextureID upload(const std::string& name, std::uint64_t key, int width, int height,
                     const std::uint32_t* rgba) override;
  int max_side() const override { return 4096; }
  void end_frame() override {}
  int uploads() const { return uploads_; }

 private:
  std::string last_name_;
  std::uint64_t last_key_ = 0;
  int uploads_ = 0;
};

}  // namespace ap::ui
