// Callbacks of the asynchronous WebGPU calls: each gets a heap copy of the shared outcome as userdata
// and frees it when it runs.
#include "gpu/webgpu_util.hpp"

#include <emscripten.h>

namespace ap::gpu {

namespace {

void* to_userdata(const OutcomePtr& outcome) { return new OutcomePtr(outcome); }

OutcomePtr from_userdata(void* userdata) {
  auto* box = static_cast<OutcomePtr*>(userdata);
  OutcomePtr outcome = std::move(*box);
  delete box;
  outcome->done = true;
  outcome->at_ms = emscripten_get_now();
  return outcome;
}

void on_scope_popped(WGPUErrorType type, const char* message, void* userdata) {
  const OutcomePtr outcome = from_userdata(userdata);
  outcome->ok = type == WGPUErrorType_NoError;
  if (outcome->ok) return;
  outcome->message = message && *message ? message
                     : type == WGPUErrorType_OutOfMemory ? "out of GPU memory"
                     : type == WGPUErrorType_DeviceLost  ? "the device was lost"
                                                         : "WebGPU error";
}

void on_mapped(WGPUBufferMapAsyncStatus status, void* userdata) {
  const OutcomePtr outcome = from_userdata(userdata);
  outcome->ok = status == WGPUBufferMapAsyncStatus_Success;
  if (!outcome->ok) outcome->message = "reading the results back failed (mapAsync status " + std::to_string(status) + ")";
}

void on_work_done(WGPUQueueWorkDoneStatus status, void* userdata) {
  const OutcomePtr outcome = from_userdata(userdata);
  outcome->ok = status == WGPUQueueWorkDoneStatus_Success;
  if (!outcome->ok) outcome->message = "the queue reported an error";
}

}  // namespace

ErrorScope ErrorScope::open(WGPUDevice device) {
  wgpuDevicePushErrorScope(device, WGPUErrorFilter_OutOfMemory);
  wgpuDevicePushErrorScope(device, WGPUErrorFilter_Validation);
  ErrorScope scope;
  scope.validation_ = std::make_shared<Outcome>();
  scope.memory_ = std::make_shared<Outcome>();
  return scope;
}

void ErrorScope::close(WGPUDevice device) {
  wgpuDevicePopErrorScope(device, on_scope_popped, to_userdata(validation_));
  wgpuDevicePopErrorScope(device, on_scope_popped, to_userdata(memory_));
}

std::string ErrorScope::message() const {
  if (validation_ && validation_->done && !validation_->ok) return validation_->message;
  if (memory_ && memory_->done && !memory_->ok) return memory_->message;
  return {};
}

OutcomePtr map_for_reading(WGPUBuffer buffer, std::size_t size) {
  auto outcome = std::make_shared<Outcome>();
  wgpuBufferMapAsync(buffer, WGPUMapMode_Read, 0, size, on_mapped, to_userdata(outcome));
  return outcome;
}

OutcomePtr when_queue_done(WGPUQueue queue) {
  auto outcome = std::make_shared<Outcome>();
  wgpuQueueOnSubmittedWorkDone(queue, 0, on_work_done, to_userdata(outcome));
  return outcome;
}

}  // namespace ap::gpu
