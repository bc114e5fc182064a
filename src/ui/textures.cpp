// The store without a GPU (see textures.hpp).
#include "ui/textures.hpp"

namespace ap::ui {

namespace {
ImTextureID some_texture() { return reinterpret_cast<ImTextureID>(std::intptr_t{1}); }
}  // namespace

ImTextureID NullTextureStore::get(const std::string& name) { return name == last_ ? some_texture() : nullptr; }

ImTextureID NullTextureStore::allocate(const std::string& name, int, int) {
  last_ = name;
  return some_texture();
}

void NullTextureStore::upload_rows(const std::string&, int, int rows, const std::uint32_t*) { uploaded_rows_ += rows; }

}  // namespace ap::ui
