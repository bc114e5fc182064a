// What every fuzz target asserts besides "no crash, no sanitizer report": a refusal is a core::InputError
// whose message is one line of valid UTF-8 naming its source; anything else thrown escapes and aborts.
// Depends on core, std and tests/support only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "support/utf8.hpp"

namespace ap::fuzz {

// Stops the run with a message: libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char* what, std::string_view detail = "") {
  std::fprintf(stderr, "fuzz check failed: %s %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// A refusal's message: "<prefix>..." on one line, valid UTF-8, of bounded length. The longest legitimate
// ones name a scenario field nested 16 deep (core::limits::max_json_depth) whose keys are each quoted up
// to 40 bytes (io/json_reader): about 700 bytes of field name.
inline void check_refusal(const core::InputError& e, std::string_view prefix) {
  const std::string message = e.error.what();
  if (message.rfind(prefix, 0) != 0) fail("message without its prefix:", message);
  if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos)
    fail("message of more than one line:", message);
  if (!test::valid_utf8(message)) fail("message that is not well-formed UTF-8:", message);
  if (message.size() > 1024) fail("message longer than 1024 bytes:", message);
}

}  // namespace ap::fuzz
