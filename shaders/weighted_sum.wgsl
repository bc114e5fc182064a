// The weighted sum of values for every head: out[h][i][c] = Σ_j weights[h][i][j] · v[g][j][c], g the head's K/V
// head, rounded to the precision when there is one.
// Dispatched by gpu::dispatch_weighted_sum (src/gpu/attention_gpu.cpp) after the softmax pass.
// Tiled like scores.wgsl: a workgroup of TILE × TILE invocations computes a (TILE·BLOCK)² block of the
// N × d_v output, staging weights and v through workgroup memory TILE keys at a time; each invocation
// keeps a BLOCK × BLOCK piece in registers. Grid: (⌈d_v / (TILE·BLOCK)⌉, ⌈N / (TILE·BLOCK)⌉, heads).

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

override TILE: u32 = 16u;  // invocations per side of the workgroup, and keys per step
const BLOCK: u32 = 4u;     // rows and value columns per invocation (registers, so a constant)

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;   // heads × N × M
@group(0) @binding(2) var<storage, read> v: array<f32>;         // kv_heads × M × d_v
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // heads × N × d_v

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

var<workgroup> w_tile: array<f32, TILE * BLOCK * TILE>;  // [query row of the block][key of the step]
var<workgroup> v_tile: array<f32, TILE * TILE * BLOCK>;  // [key of the step][value column of the block]

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
  let head = group.z;
  let side = TILE * BLOCK;
  let row0 = group.y * side;  // first query of the block
  let col0 = group.x * side;  // first value column of the block
  let w_base = head * params.n * params.m;
  let v_base = (head * params.kv_heads / params.heads) * params.m * params.d_v;

  var acc: array<array<f32, BLOCK>, BLOCK>;  // [a][b]: query row0 + y + TILE·a, column col0 + x + TILE·b
  for (var j0 = 0u; j0 < params.m; j0 += TILE) {
    // pass 1: stage weights[row0 + r][j0 + x] and v[j0 + y][col0 + x + TILE·a], zeros outside
    for (var a = 0u; a < BLOCK; a++) {
      let r = local.y + TILE * a;
      let wj = j0 + local.x;
      var wv = 0.0;
      if (row0 + r < params.n && wj < params.m) { wv = weights[w_base + (row0 + r) * params.m + wj]; }
      w_tile[r * TILE + local.x] = wv;
      let vj = j0 + local.y;
      let c = col0 + local.x + TILE * a;
      var vv = 0.0;
      if (vj < params.m && c < params.d_v) { vv = v[v_base + vj * params.d_v + c]; }
      v_tile[local.y * side + local.x + TILE * a] = vv;
    }
    workgroupBarrier();
    // pass 2: this step's keys' share of the BLOCK × BLOCK sums
    for (var t = 0u; t < TILE; t++) {
      var wa: array<f32, BLOCK>;
      var vb: array<f32, BLOCK>;
      for (var a = 0u; a < BLOCK; a++) {
        wa[a] = w_tile[(local.y + TILE * a) * TILE + t];
        vb[a] = v_tile[t * side + local.x + TILE * a];
      }
      for (var a = 0u; a < BLOCK; a++) {
        for (var b = 0u; b < BLOCK; b++) { acc[a][b] += wa[a] * vb[b]; }
      }
    }
    workgroupBarrier();
  }
  for (var a = 0u; a < BLOCK; a++) {
    let i = row0 + local.y + TILE * a;
    for (var b = 0u; b < BLOCK; b++) {
      let c = col0 + local.x + TILE * b;
      if (i < params.n && c < params.d_v) { out[(head * params.n + i) * params.d_v + c] = round_format(acc[a][b]); }
    }
  }
}
