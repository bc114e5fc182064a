// What both GPU backends share (the WebGPU one and the native stub).
#include "gpu/attention_backend.hpp"

namespace ap::gpu {

const char* to_string(State state) {
  switch (state) {
    case State::unavailable: return "unavailable";
    case State::initializing: return "initializing";
    case State::ready: return "ready";
    case State::failed: return "failed";
    case State::lost: return "lost";
  }
  return "unavailable";
}

}  // namespace ap::gpu
