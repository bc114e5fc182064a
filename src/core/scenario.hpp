// The scenario: every number a user entered (SPEC §1), with all defaults resolved.
// A Scenario that exists has passed validate_scenario(): shapes agree and sizes are within limits.
// Pure data; no I/O, no UI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/matrix.hpp"
#include "core/precision.hpp"

namespace ap::core {

struct Sequence {
  std::vector<std::string> tokens;  // one label per row of x
  Matrix x;                         // tokens × d_model
};

enum class ScaleKind { inv_sqrt_dk, none, multiplier };

struct Scale {
  ScaleKind kind = ScaleKind::inv_sqrt_dk;
  double multiplier = 1.0;  // used when kind == multiplier

  double factor(int d_k) const;  // the number the scores are multiplied by
};

enum class CausalAlign { none, top_left, bottom_right };

// The parts of a mask, ANDed. A window implies causal (top-left unless bottom_right is asked for).
struct MaskSpec {
  CausalAlign causal = CausalAlign::none;
  int window = 0;                           // 0 = no window; else j ∈ (i + offset − w, i + offset]
  std::optional<AllowMatrix> allow;         // N × M, 1 = may attend
  std::optional<std::vector<std::uint8_t>> key_valid;  // M, 1 = key is real (not padding)

  bool is_none() const { return causal == CausalAlign::none && window == 0 && !allow && !key_valid; }
};

enum class PositionalKind { none, sinusoidal, learned, rope };
enum class RopePairing { interleaved, half };

struct Positional {
  PositionalKind kind = PositionalKind::none;
  double rope_base = 10000.0;
  RopePairing rope_pairing = RopePairing::interleaved;
  Matrix learned;  // P × d_model, P ≥ max(N, M); row p is added to the token at position p
};

// The SPEC §1b variants of the layer (what today's models run). Each is absent by default, and absent
// means the textbook steps; a scenario written back keeps absent fields absent.
struct Variants {
  std::optional<int> kv_heads;        // g ≥ 1 dividing heads (grouped-query; 1 = multi-query). Absent: heads
  bool alibi = false;                 // ALiBi biases −m_h·|p_q − p_k| on the scaled scores
  std::optional<double> softcap;      // c > 0: scaled ← c·tanh(scaled / c)
  std::optional<RowVector> sinks;     // heads numbers: each head's sink logit joins its softmax denominator
  std::optional<double> mask_fill;    // what a masked score becomes: −∞ (also when absent) or a finite number
  std::optional<Precision> precision; // fp32 / fp16 / bf16 emulation; absent: each backend's own arithmetic
};

struct Scenario {
  Sequence query;                   // N × d_model: the queries (and keys/values when there is no context)
  std::optional<Sequence> context;  // M × d_model: the key/value source of cross-attention
  int heads = 1;
  int d_k = 0;
  int d_v = 0;
  Matrix w_q;       // d_model × (h·d_k); head i uses columns [i·d_k, (i+1)·d_k)
  Matrix w_k;       // d_model × (g·d_k), g = kv_heads(); query head i uses K/V head kv_head_of(i)
  Matrix w_v;       // d_model × (g·d_v)
  Matrix w_o;       // (h·d_v) × d_model
  RowVector b_q, b_k, b_v, b_o;  // h·d_k, g·d_k, g·d_v, d_model
  Scale scale;
  MaskSpec mask;
  Positional positional;
  Variants variants;
  // N × d_model: G of the backward pass's L = Σ output ⊙ G (`attention-cli grad`); absent: all ones.
  std::optional<Matrix> d_output;

  int kv_heads() const { return variants.kv_heads.value_or(heads); }  // g: heads of K and V
  int kv_head_of(int head) const { return head * kv_heads() / heads; }  // ⌊i·g / h⌋
  double mask_fill() const;  // −∞ unless a finite fill was given
  int n() const { return static_cast<int>(query.x.rows()); }
  int m() const { return static_cast<int>(keys().x.rows()); }
  int d_model() const { return static_cast<int>(query.x.cols()); }
  const Sequence& keys() const { return context ? *context : query; }
};

// "identity-like": 1 on the diagonal of a rows × cols matrix, 0 elsewhere (SPEC §1 default weights).
Matrix identity_like(int rows, int cols);
std::vector<std::string> default_token_labels(int count);  // "t0" … "t{count-1}"

// Builds a scenario with every default of SPEC §1: identity-like weights, zero biases, d_k = d_model / h.
Scenario make_scenario(Matrix x, int heads = 1);

// Checks the sizes against core/limits.hpp before anything of that size is allocated; throws InputError.
void validate_dimensions(int n, int m, int d_model, int heads, int d_k, int d_v);

// The numbers a trace holds when every head's N × M matrices are recorded (what `attention-cli run` prints), and a
// check of that against limits::max_trace_elements (validate_scenario checks what the page records: less, for a
// large layer, whose N × M matrices are recorded only for the heads on screen).
std::size_t full_trace_elements(const Scenario& s);
void check_full_trace(const Scenario& s);
// kv_heads (absent, or 1 to heads dividing heads); throws InputError naming "kv_heads".
void validate_kv_heads(int heads, std::optional<int> kv_heads);

// Checks every shape, value and limit; throws InputError naming the field. Call after any edit.
void validate_scenario(const Scenario& s);

}  // namespace ap::core
