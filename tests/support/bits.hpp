// std::bit_cast for the tests: Emscripten 3.1's libc++ lacks it, so the same memcpy everywhere.
#pragma once

#include <cstring>
#include <type_traits>

namespace ap::test {

template <class To, class From>
To bit_cast(const From& from) {
  static_assert(sizeof(To) == sizeof(From) && std::is_trivially_copyable_v<From> && std::is_trivially_copyable_v<To>);
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

}  // namespace ap::test
