// Masked, scaled softmax by rows: weights[h][i][j] = exp(s_ij − max_i) / Σ_j exp(s_ij − max_i) over the
// allowed keys, s = scale · scores; masked keys get 0 and a row with no allowed key gets all zeros (never
// NaN), as the reference. Dispatched by gpu::dispatch_softmax (src/gpu/attention_gpu.cpp).
// One workgroup per (query row, head): each invocation strides over the row, then the row max and the
// row sum are tree reductions in workgroup memory. Grid: (N, heads).

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
  pad: u32,
}

override WORKGROUP: u32 = 128u;  // a power of two (the reductions halve it)

// Below every real scaled score; the starting value of a row max. Finite on purpose: WGSL lets an
// implementation assume there are no infinities.
const LOWEST: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>;        // heads × N × M, raw q·kᵀ
@group(0) @binding(2) var<storage, read> allow_bits: array<u32>;    // N × allow_words (one word when unused)
@group(0) @binding(3) var<storage, read_write> weights: array<f32>; // heads × N × M

var<workgroup> partial: array<f32, WORKGROUP>;

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

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let i = group.x;
  let head = group.y;
  let base = (head * params.n + i) * params.m;

  // pass 1: row max of the allowed scaled scores
  var row_max = LOWEST;
  for (var j = lane; j < params.m; j += WORKGROUP) {
    if (allowed(i, j)) { row_max = max(row_max, params.scale * scores[base + j]); }
  }
  partial[lane] = row_max;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) { partial[lane] = max(partial[lane], partial[lane + stride]); }
    workgroupBarrier();
  }
  row_max = partial[0];
  workgroupBarrier();

  // pass 2: Σ exp(s − max); 0 only for a row with no allowed key (the max itself contributes 1)
  var sum = 0.0;
  for (var j = lane; j < params.m; j += WORKGROUP) {
    if (allowed(i, j)) { sum += exp(params.scale * scores[base + j] - row_max); }
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) { partial[lane] += partial[lane + stride]; }
    workgroupBarrier();
  }
  sum = partial[0];

  // pass 3: normalized weights, zeros where masked and for an empty row
  for (var j = lane; j < params.m; j += WORKGROUP) {
    var w = 0.0;
    if (sum > 0.0 && allowed(i, j)) { w = exp(params.scale * scores[base + j] - row_max) / sum; }
    weights[base + j] = w;
  }
}
