// What every fuzz target asserts besides "no crash, no sanitizer report": a refusal is a core::InputError
// whose message is one line of valid UTF-8 naming its source; anything else thrown escapes and aborts.
// Depends on core and std only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ap::fuzz {

// Stops the run with a message: libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char* what, std::string_view detail = "") {
  std::fprintf(stderr, "fuzz check failed: %s %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// A refusal's message: "<prefix>..." on one line, valid UTF-8, of bounded length. The longest legitimate
// ones name a scenario field nested 16 deep (core::limits::max_json_depth) whose keys are each quoted up
// to 40 bytes (io/json_reader): about 700 bytes of field name.
inline void check_refusal(const core::InputError& e, std::string_view prefix) {
  const std::string message = e.error.what();
  if (message.rfind(prefix, 0) != 0) fail("message without its prefix:", message);
  if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos)
    fail("message of more than one line:", message);
  if (!valid_utf8(message)) fail("message that is not UTF-8:", message);
  if (message.size() > 1024) fail("message longer than 1024 bytes:", message);
}

}  // namespace ap::fuzz
