// The trace as JSON: the object `attention-cli run` prints and window.playground.getTrace() returns (SPEC §2).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "core/trace.hpp"

namespace ap::io {

nlohmann::json trace_to_json(const core::Trace& trace);

// The same object for some query rows only (`attention-cli run --rows`, getTrace({rows})): every matrix with one row
// per query (output, concat, x_in, allowed, each head's q, scores, scaled, weights, output, the diagnostics) keeps
// just those rows, in the order given, and "rows" lists them; k and v (one row per key) stay whole. A layer of
// 1024 tokens is then a few kilobytes to check instead of half a gigabyte. Throws InputError for a row out of range.
nlohmann::json trace_rows_to_json(const core::Trace& trace, const std::vector<int>& rows);

}  // namespace ap::io
