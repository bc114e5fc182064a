// The native build's GPU backend: there is no WebGPU implementation here, and it says so. Everything
// runs on the CPU kernels. Depends on nothing platform-specific.
#include "gpu/attention_backend.hpp"

namespace ap::gpu {

namespace {

constexpr const char* message = "webgpu: not available in the native build";

class UnavailableBackend final : public AttentionBackend {
 public:
  Status status() const override { return {State::unavailable, message, ""}; }
  bool submit(const core::Scenario&, std::uint64_t, const RunOptions&, std::string* why_not) override {
    if (why_not) *why_not = message;
    return false;
  }
  bool poll(Result&) override { return false; }
  bool busy() const override { return false; }
  bool start_bench(const BenchConfig&, std::string* why_not) override {
    if (why_not) *why_not = message;
    return false;
  }
  bool poll_bench(std::vector<BenchRow>&, std::string&) override { return false; }
};

}  // namespace

std::unique_ptr<AttentionBackend> make_attention_backend() { return std::make_unique<UnavailableBackend>(); }

}  // namespace ap::gpu
