// Fuzz target: io::parse_scenario on any bytes. A scenario it accepts passes core::validate_scenario and, up
// to 65,536 numbers, reads back identically from its explicit JSON (io::scenario_to_string) and from
// nlohmann's own parse of the text (the one-pass reader builds the same document), and exports to PyTorch.
// A text it calls not valid JSON is one nlohmann refuses too (or one holding a NUL, which nlohmann takes for
// the end).
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/scenario.hpp"
#include "fuzz_checks.hpp"
#include "io/export.hpp"
#include "io/scenario_json.hpp"

namespace {

bool same(const ap::core::Scenario& a, const ap::core::Scenario& b) {
  const auto same_seq = [](const ap::core::Sequence& x, const ap::core::Sequence& y) {
    return x.tokens == y.tokens && x.x == y.x;
  };
  if (!same_seq(a.query, b.query) || a.context.has_value() != b.context.has_value()) return false;
  if (a.context && !same_seq(*a.context, *b.context)) return false;
  if (a.heads != b.heads || a.d_k != b.d_k || a.d_v != b.d_v) return false;
  if (a.w_q != b.w_q || a.w_k != b.w_k || a.w_v != b.w_v || a.w_o != b.w_o) return false;
  if (a.b_q != b.b_q || a.b_k != b.b_k || a.b_v != b.b_v || a.b_o != b.b_o) return false;
  if (a.scale.kind != b.scale.kind || a.scale.factor(a.d_k) != b.scale.factor(b.d_k)) return false;
  const auto &ma = a.mask, &mb = b.mask;
  if (ma.causal != mb.causal || ma.window != mb.window || ma.key_valid != mb.key_valid) return false;
  if (ma.allow.has_value() != mb.allow.has_value() || (ma.allow && *ma.allow != *mb.allow)) return false;
  const auto &pa = a.positional, &pb = b.positional;
  return pa.kind == pb.kind && pa.rope_base == pb.rope_base && pa.rope_pairing == pb.rope_pairing &&
         pa.learned == pb.learned;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ap::core::Scenario s;
  try {
    s = ap::io::parse_scenario(text);
  } catch (const ap::core::InputError& e) {
    ap::fuzz::check_refusal(e, "");
    const bool syntax = e.error.message.rfind("not valid JSON", 0) == 0;  // (a quoted value may say it too)
    if (syntax && text.find('\0') == std::string_view::npos) {
      bool nlohmann_accepts = true;
      try {
        const nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end());
        nlohmann_accepts = !doc.is_discarded();
      } catch (const nlohmann::json::exception&) {
        nlohmann_accepts = false;
      }
      if (nlohmann_accepts) ap::fuzz::fail("called not valid JSON, though nlohmann reads it:", e.error.what());
    }
    return 0;
  }
  try {
    ap::core::validate_scenario(s);
  } catch (const ap::core::InputError& e) {
    ap::fuzz::fail("an accepted scenario refused later:", e.error.what());
  }
  // The checks below build the scenario again and write every weight: a short text with a wide x (d_model
  // 700: four identity-like 700 × 700 weights) makes megabytes of them, seconds under the sanitizers (found
  // by fuzzing: a timeout of these checks, not of the reader). They run on scenarios of up to 65,536 numbers.
  const auto numbers = s.w_q.size() + s.w_k.size() + s.w_v.size() + s.w_o.size() + s.query.x.size() +
                       (s.context ? s.context->x.size() : 0) + s.positional.learned.size() +
                       (s.mask.allow ? s.mask.allow->size() : 0);
  if (numbers > (1 << 16)) return 0;
  try {
    if (!same(ap::io::scenario_from_json(nlohmann::json::parse(text.begin(), text.end())), s))
      ap::fuzz::fail("the one-pass reader and nlohmann's parse read different scenarios");
  } catch (const std::exception& e) {
    ap::fuzz::fail("accepted, though nlohmann's parse refuses it:", e.what());
  } catch (const ap::core::InputError& e) {
    ap::fuzz::fail("accepted, though scenario_from_json refuses nlohmann's document:", e.error.what());
  }
  try {
    if (!same(ap::io::parse_scenario(ap::io::scenario_to_string(s)), s)) ap::fuzz::fail("JSON round trip changed the scenario");
  } catch (const ap::core::InputError& e) {
    ap::fuzz::fail("the explicit JSON of an accepted scenario refused:", e.error.what());
  }
  if (ap::io::scenario_to_torch_script(s).empty()) ap::fuzz::fail("an empty PyTorch script");
  return 0;
}
