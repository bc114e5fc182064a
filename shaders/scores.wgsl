// Raw attention scores for every head: scores[h][i][j] = Σ_c q[h][i][c] · k[g][j][c], g the head's K/V head (no
// scale, no mask: the trace records q·kᵀ as it is; rounded to the precision when there is one).
// Dispatched by gpu::dispatch_scores (src/gpu/attention_gpu.cpp).
// Tiled twice: a workgroup of TILE × TILE invocations computes a (TILE·BLOCK)² block of the N × M matrix,
// staging q and k through workgroup memory TILE columns of d_k at a time; each invocation keeps a
// BLOCK × BLOCK piece of the block in registers (rows y + TILE·a, keys x + TILE·b), so every value read
// from workgroup memory is used BLOCK times. Grid: (⌈M / (TILE·BLOCK)⌉, ⌈N / (TILE·BLOCK)⌉, heads).

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

override TILE: u32 = 16u;  // invocations per side of the workgroup, and d_k columns per step
const BLOCK: u32 = 4u;     // rows and keys per invocation (registers, so a constant)

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;             // heads × N × d_k
@group(0) @binding(2) var<storage, read> k: array<f32>;             // kv_heads × M × d_k
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;  // heads × N × M

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

var<workgroup> q_tile: array<f32, TILE * BLOCK * TILE>;  // [query row of the block][d_k column of the step]
var<workgroup> k_tile: array<f32, TILE * BLOCK * TILE>;  // [key of the block][d_k column of the step]

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
  let head = group.z;
  let side = TILE * BLOCK;
  let row0 = group.y * side;  // first query of the block
  let col0 = group.x * side;  // first key of the block
  let q_base = head * params.n * params.d_k;
  let k_base = (head * params.kv_heads / params.heads) * params.m * params.d_k;

  var acc: array<array<f32, BLOCK>, BLOCK>;  // [a][b]: query row0 + y + TILE·a, key col0 + x + TILE·b
  for (var c0 = 0u; c0 < params.d_k; c0 += TILE) {
    // pass 1: stage q[row0 + r][c0 + x] and k[col0 + r][c0 + x] for r = y + TILE·a, zeros outside
    let c = c0 + local.x;
    for (var a = 0u; a < BLOCK; a++) {
      let r = local.y + TILE * a;
      var qv = 0.0;
      var kv = 0.0;
      if (row0 + r < params.n && c < params.d_k) { qv = q[q_base + (row0 + r) * params.d_k + c]; }
      if (col0 + r < params.m && c < params.d_k) { kv = k[k_base + (col0 + r) * params.d_k + c]; }
      q_tile[r * TILE + local.x] = qv;
      k_tile[r * TILE + local.x] = kv;
    }
    workgroupBarrier();
    // pass 2: this step's slice of the BLOCK × BLOCK dot products
    for (var t = 0u; t < TILE; t++) {
      var qa: array<f32, BLOCK>;
      var kb: array<f32, BLOCK>;
      for (var a = 0u; a < BLOCK; a++) {
        qa[a] = q_tile[(local.y + TILE * a) * TILE + t];
        kb[a] = k_tile[(local.x + TILE * a) * TILE + t];
      }
      for (var a = 0u; a < BLOCK; a++) {
        for (var b = 0u; b < BLOCK; b++) { acc[a][b] += qa[a] * kb[b]; }
      }
    }
    workgroupBarrier();
  }
  for (var a = 0u; a < BLOCK; a++) {
    let i = row0 + local.y + TILE * a;
    for (var b = 0u; b < BLOCK; b++) {
      let j = col0 + local.x + TILE * b;
      if (i < params.n && j < params.m) { scores[(head * params.n + i) * params.m + j] = round_format(acc[a][b]); }
    }
  }
}
