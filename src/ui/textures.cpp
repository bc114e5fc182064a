// The store without a GPU: remembers the last upload so find() answers as a real store would for it.
#include "ui/textures.hpp"

namespace ap::ui {

ImTextureID NullTextureStore::find(const std::string& name, std::uint64_t key) {
  return name == last_name_ && key == last_key_ ? reinterpret_cast<ImTextureID>(std::intptr_t{1}) : nullptr;
}

ImTextureID NullTextureStore::upload(const std::string& name, std::uint64_t key, int, int, const std::uint32_t*) {
  last_name_ = name;
  last_key_ = key;
  ++uploads_;
  return reinterpret_cast<ImTextureID>(std::intptr_t{1});
}

}  // namespace ap::ui
