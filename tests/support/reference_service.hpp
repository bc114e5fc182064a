// A ComputeService for tests of the UI layer: the double reference, computed at once (or held back to stand for a
// computation under way), counting what it was asked. Depends on core and ui only.
#pragma once

#include "core/pipeline.hpp"
#include "ui/compute_service.hpp"

namespace ap::test {

class ReferenceService final : public ui::ComputeService {
 public:
  bool hold = false;  // true: submit() starts nothing until release() (a computation under way)
  int submits = 0, cancels = 0;

  std::vector<std::string> backends() const override { return {"reference", "simd"}; }
  void submit(const core::Scenario& s, const ui::ComputeRequest& r) override {
    ++submits;
    scenario_ = &s;
    request_ = r;
    ready_ = !hold;
  }
  void cancel() override {
    ++cancels;
    scenario_ = nullptr;
    ready_ = false;
  }
  void release() { ready_ = scenario_ != nullptr; }
  bool poll(ui::ComputeResult& out, double) override {
    if (!ready_ || !scenario_) return false;
    out = ui::ComputeResult{};
    out.trace = core::compute_reference(*scenario_);
    out.trace.backend = request_.backend;
    out.compared = true;
    for (int h = 0; h < scenario_->heads; ++h) out.recorded_heads.push_back(h);
    ready_ = false;
    scenario_ = nullptr;
    return true;
  }
  bool poll_comparison(const core::Trace&, double&) override { return false; }
  bool computing() const override { return scenario_ != nullptr; }
  bool comparing() const override { return false; }
  double progress() const override { return 0; }
  void compare_with_reference() override {}

 private:
  const core::Scenario* scenario_ = nullptr;
  ui::ComputeRequest request_;
  bool ready_ = false;
};

}  // namespace ap::test
