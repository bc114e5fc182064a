// The layer's gradients as JSON: the object `attention-cli grad` prints (SPEC §2), each gradient shaped
// like what it differentiates.
#pragma once

#include <nlohmann/json.hpp>

#include "core/layer_grad.hpp"

namespace ap::io {

nlohmann::json gradients_to_json(const core::Gradients& gradients);

}  // namespace ap::io
