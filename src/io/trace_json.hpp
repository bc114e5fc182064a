// The trace as JSON: the object `attention-cli run` prints and window.playground.getTrace() returns (SPEC §2).
#pragma once

#include <nlohmann/json.hpp>

#include "core/trace.hpp"

namespace ap::io {

nlohmann::json trace_to_json(const core::Trace& trace);

}  // namespace ap::io
