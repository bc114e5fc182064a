// The row softmax of core/softmax.hpp: weights[h][i][j] = e^(x_j − m) / (e^(s − m) + Σ_k e^(x_k − m)) by rows,
// x = score_mod(scores) (scale, ALiBi, softcap, rounding) for an allowed key and the fill for a masked one (left out
// when the fill is −∞), s the head's sink logit when there is one, m the max of them. A row with no allowed key
// and a −∞ fill gets all zeros (never NaN); a row that meets +∞ or NaN, or whose entries are all −∞ though it has
// keys, gets all NaN, as the CPU backends do. Weights rounded to the precision.
// Dispatched by gpu::dispatch_softmax (src/gpu/attention_gpu.cpp).
// One workgroup per (query row, head): each invocation strides over the row, then the row max, the row's flags
// and the row sum are tree reductions in workgroup memory. Grid: (N, heads).

// Mirrored by gpu::Params (src/gpu/uniforms.hpp); every shader declares the same struct.
struct Params {
  n: u32,              // queries
  m: u32,              // keys
  d_k: u32,            // query/key width per head
  d_v: u32,            // value width per head
  heads: u32,
  scale: f32,          // multiplier of q·kᵀ
  causal: u32,         // 1: key j needs j ≤ i + causal_offset
  causal_offset: i32,  // 0 top-left, M − N bottom-right
  window: u32,         // with causal: also j > i + causal_offset − window (0: no window)
  has_allow: u32,      // 1: allow_bits holds an N × M bit mask (the allow matrix AND key_valid)
  allow_words: u32,    // u32 words per row of allow_bits
  kv_heads: u32,       // K/V heads: head h reads K/V head h · kv_heads / heads (grouped-query attention)
  alibi: u32,          // 1: scaled −= slope of the head · |i + query_offset − j|
  query_offset: i32,   // ALiBi's p_q = i + query_offset
  softcap: f32,        // c > 0: scaled ← c·tanh(scaled / c); 0: none
  fill: f32,           // with finite_fill: what a masked score becomes
  finite_fill: u32,    // 1: masked keys take `fill`; 0: they are left out (−∞)
  has_sink: u32,       // 1: the head's sink logit joins the softmax's denominator
  number_format: u32,  // the precision: 0 none or fp32, 1 fp16, 2 bf16 (see round_format)
  pad: u32,
  slopes: array<vec4<f32>, 16>,  // ALiBi slope of head h at [h / 4][h % 4]
  sinks: array<vec4<f32>, 16>,   // sink logit of head h, rounded to the precision
}

override WORKGROUP: u32 = 128u;  // a power of two (the reductions halve it)

// Below every real scaled score; the starting value of a row max. Finite on purpose: WGSL lets an
// implementation assume there are no infinities.
const LOWEST: f32 = -3.0e38;

// Row flags, ORed over the row: an allowed key; an allowed +∞ or NaN; an entry that counts (finite, not −∞).
const HAS_KEY: u32 = 1u;
const MET_UNDEFINED: u32 = 2u;
const HAS_FINITE: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>;        // heads × N × M, q·kᵀ (rounded)
@group(0) @binding(2) var<storage, read> allow_bits: array<u32>;    // N × allow_words (one word when unused)
@group(0) @binding(3) var<storage, read_write> weights: array<f32>; // heads × N × M

var<workgroup> partial: array<f32, WORKGROUP>;
var<workgroup> partial_flags: array<u32, WORKGROUP>;

// The same rule as core::MaskRule::allowed.
fn allowed(i: u32, j: u32) -> bool {
  if (params.causal != 0u) {
    let last = i32(i) + params.causal_offset;  // j ≤ i + offset
    if (i32(j) > last) { return false; }
    if (params.window > 0u && i32(j) <= last - i32(params.window)) { return false; }
  }
  if (params.has_allow != 0u) {
    let word = allow_bits[i * params.allow_words + j / 32u];
    if (((word >> (j % 32u)) & 1u) == 0u) { return false; }
  }
  return true;
}

// x rounded to the precision's format, to nearest even, on the f32 bits (the rule of core/precision.cpp):
// overflow gives ±∞, subnormals are kept, ∞ and NaN pass through.
fn round_format(x: f32) -> f32 {
  if (params.number_format == 0u) { return x; }
  let bits = bitcast<u32>(x);
  let sign = bits & 0x80000000u;
  let a = bits & 0x7fffffffu;
  if (a >= 0x7f800000u) { return x; }
  if (params.number_format == 2u) {  // bf16: 8 significant bits, float's exponent range
    return bitcast<f32>(sign | ((a + 0x7fffu + ((a >> 16u) & 1u)) & 0xffff0000u));
  }
  if (a >= 0x477ff000u) { return bitcast<f32>(sign | 0x7f800000u); }  // ≥ 65520: beyond fp16, ±∞
  if (a >= 0x38800000u) {  // ≥ 2⁻¹⁴: a normal fp16, 11 significant bits
    return bitcast<f32>(sign | ((a + 0xfffu + ((a >> 13u) & 1u)) & 0xffffe000u));
  }
  let q = round(bitcast<f32>(a) * 16777216.0) * 5.9604644775390625e-8;  // a subnormal: a multiple of 2⁻²⁴
  return bitcast<f32>(sign | bitcast<u32>(q));
}

// SPEC §1b's score_mod, as core/score_mod.hpp: scale, + ALiBi, softcap, rounded. tanh's argument is clamped to
// ±10, where tanh is ±1 in f32 already, so that no implementation meets an overflow inside it.
fn scaled_score(score: f32, head: u32, i: u32, j: u32) -> f32 {
  var x = params.scale * score;
  if (params.alibi != 0u) {
    x = x - params.slopes[head / 4u][head % 4u] * f32(abs(i32(i) + params.query_offset - i32(j)));
  }
  if (params.softcap > 0.0) { x = params.softcap * tanh(clamp(x / params.softcap, -10.0, 10.0)); }
  return round_format(x);
}

fn sink_of(head: u32) -> f32 { return params.sinks[head / 4u][head % 4u]; }

// +∞ or NaN, read from the bits (WGSL lets an implementation assume neither exists in arithmetic).
fn is_undefined(x: f32) -> bool {
  let b = bitcast<u32>(x);
  return (b & 0x7fffffffu) > 0x7f800000u || b == 0x7f800000u;
}

fn is_minus_infinity(x: f32) -> bool { return bitcast<u32>(x) == 0xff800000u; }

// A quiet NaN for a row without a defined softmax (made at run time: a constant NaN is a shader error).
fn quiet_nan() -> f32 { return bitcast<f32>(0x7fc00000u | (params.pad & 0u)); }

// What the softmax sees for key j: its scaled score, or the fill. `counts` is false for a key left out (masked
// with a −∞ fill) or an entry of −∞ (it adds exactly 0).
struct Logit {
  x: f32,
  counts: bool,
  flags: u32,
}

fn logit(base: u32, head: u32, i: u32, j: u32) -> Logit {
  if (allowed(i, j)) {
    let x = scaled_score(scores[base + j], head, i, j);
    if (is_undefined(x)) { return Logit(LOWEST, false, HAS_KEY | MET_UNDEFINED); }
    if (is_minus_infinity(x)) { return Logit(LOWEST, false, HAS_KEY); }
    return Logit(x, true, HAS_KEY | HAS_FINITE);
  }
  if (params.finite_fill != 0u) { return Logit(params.fill, true, HAS_FINITE); }
  return Logit(LOWEST, false, 0u);
}

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let i = group.x;
  let head = group.y;
  let base = (head * params.n + i) * params.m;

  // pass 1: the row max of what counts (with the sink) and the row's flags
  var row_max = LOWEST;
  var flags = 0u;
  if (params.has_sink != 0u) {
    row_max = sink_of(head);
    flags = HAS_FINITE;
  }
  for (var j = lane; j < params.m; j += WORKGROUP) {
    let l = logit(base, head, i, j);
    flags = flags | l.flags;
    if (l.counts) { row_max = max(row_max, l.x); }
  }
  partial[lane] = row_max;
  partial_flags[lane] = flags;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      partial[lane] = max(partial[lane], partial[lane + stride]);
      partial_flags[lane] = partial_flags[lane] | partial_flags[lane + stride];
    }
    workgroupBarrier();
  }
  row_max = partial[0];
  flags = partial_flags[0];
  workgroupBarrier();
  let empty = (flags & HAS_KEY) == 0u && params.finite_fill == 0u;
  let undefined = !empty && ((flags & MET_UNDEFINED) != 0u || (flags & HAS_FINITE) == 0u);

  // pass 2: Σ e^(x − max) over what counts, and the sink's share
  var sum = 0.0;
  for (var j = lane; j < params.m; j += WORKGROUP) {
    let l = logit(base, head, i, j);
    if (l.counts) { sum += exp(l.x - row_max); }
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) { partial[lane] += partial[lane + stride]; }
    workgroupBarrier();
  }
  sum = partial[0];
  if (params.has_sink != 0u) { sum += exp(sink_of(head) - row_max); }

  // pass 3: normalized weights; zeros where left out and for an empty row, NaN for an undefined one
  for (var j = lane; j < params.m; j += WORKGROUP) {
    let l = logit(base, head, i, j);
    var w = 0.0;
    if (undefined) { w = quiet_nan(); }
    else if (!empty && l.counts) { w = round_format(exp(l.x - row_max) / sum); }
    weights[base + j] = w;
  }
}
