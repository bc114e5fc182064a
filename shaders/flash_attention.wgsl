// Fused attention for long sequences: out[h][i] = softmax(mask(score_mod(q_i·Kᵀ))) · V in one pass over the
// keys, without the N × M scores ever reaching global memory (FlashAttention's online softmax), with the rules of
// core/softmax.hpp: the fill for masked keys when it is finite, the sink joining the denominator from the start
// (m = s, l = 1), zeros for a row without keys, NaN for a row that meets +∞ or NaN. With a precision the weights
// must be rounded before they multiply v, so the keys are walked twice: once for the final max and sum, once for
// w = round(e^(x − m) / l) and acc += w · v (still O(N·d) memory).
// Dispatched by gpu::dispatch_flash_attention (src/gpu/attention_gpu.cpp).
// A workgroup owns TILE query rows and TILE · COLS output columns; it streams the keys TILE at a time:
//   pass 1: s = q·kᵀ for the TILE × TILE block (q and k staged through workgroup memory, d_k in TILE chunks)
//   pass 2: score_mod and mask; the block's row max raises the running max m, rescaling what came before
//   pass 3: p = exp(x − m); the running sum l and the output accumulators take p and p · v
// At the end out = acc / l (acc with a precision), zeros for a row without keys, NaN for an undefined one. With
// d_v above TILE · COLS the grid has several column blocks and each recomputes the scores (d_v ≤ 64: one block).
// Grid: (⌈d_v / (TILE · COLS)⌉, ⌈N / TILE⌉, heads). Workgroup memory: (4 + COLS) · TILE² floats and TILE² flags.

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

override TILE: u32 = 16u;  // query rows per workgroup, keys per step, d_k columns per chunk
const COLS: u32 = 4u;      // output columns per invocation (a private array, so a constant)

// Below every real scaled score: the running max before any allowed key. Finite on purpose: WGSL lets
// an implementation assume there are no infinities.
const LOWEST: f32 = -3.0e38;

// Row flags (as softmax.wgsl): an allowed key; an allowed +∞ or NaN; an entry that counts (finite, not −∞).
const HAS_KEY: u32 = 1u;
const MET_UNDEFINED: u32 = 2u;
const HAS_FINITE: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;           // heads × N × d_k
@group(0) @binding(2) var<storage, read> k: array<f32>;           // kv_heads × M × d_k
@group(0) @binding(3) var<storage, read> v: array<f32>;           // kv_heads × M × d_v
@group(0) @binding(4) var<storage, read> allow_bits: array<u32>;  // N × allow_words (one word when unused)
@group(0) @binding(5) var<storage, read_write> out: array<f32>;   // heads × N × d_v

var<workgroup> q_tile: array<f32, TILE * TILE>;         // [query row][d_k column]
var<workgroup> k_tile: array<f32, TILE * TILE>;         // [key][d_k column]
var<workgroup> s_tile: array<f32, TILE * TILE>;         // [query row][key]: what the softmax sees (LOWEST: nothing)
var<workgroup> f_tile: array<u32, TILE * TILE>;         // [query row][key]: the entry's flags, bit 8: it counts
var<workgroup> p_tile: array<f32, TILE * TILE>;         // [query row][key]: exp(x − m), or the final weight
var<workgroup> v_tile: array<f32, TILE * TILE * COLS>;  // [key][output column of this block]

const COUNTS: u32 = 256u;

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

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
  let head = group.z;
  let kv = head * params.kv_heads / params.heads;  // grouped-query attention: this head's K/V head
  let row0 = group.y * TILE;
  let col0 = group.x * TILE * COLS;  // first output column of this block
  let y = local.y;                    // query row within the block
  let x = local.x;                    // key within a step; output columns x, x + TILE, …
  let i = row0 + y;
  let q_base = head * params.n * params.d_k;
  let k_base = kv * params.m * params.d_k;
  let v_base = kv * params.m * params.d_v;
  let two_walks = params.number_format != 0u;

  var m_run = LOWEST;  // running max of row i (every invocation of the row keeps the same copy)
  var l_run = 0.0;     // running Σ exp(x − m_run)
  var flags = 0u;
  if (params.has_sink != 0u) {
    m_run = sink_of(head);
    l_run = 1.0;  // the sink's own e^(s − m), m = s
    flags = HAS_FINITE;
  }
  var acc: array<f32, COLS>;

  // walk 0 (with a precision only): the final max and sum; walk 1: the weights times v
  for (var walk = select(1u, 0u, two_walks); walk < 2u; walk++) {
    let accumulate = walk == 1u;
    for (var j0 = 0u; j0 < params.m; j0 += TILE) {
      // pass 1: s = q_i · k_j for j = j0 + x
      var s = 0.0;
      for (var c0 = 0u; c0 < params.d_k; c0 += TILE) {
        let c = c0 + x;
        let kj = j0 + y;
        var qv = 0.0;
        var kv_value = 0.0;
        if (i < params.n && c < params.d_k) { qv = q[q_base + i * params.d_k + c]; }
        if (kj < params.m && c < params.d_k) { kv_value = k[k_base + kj * params.d_k + c]; }
        q_tile[y * TILE + x] = qv;
        k_tile[y * TILE + x] = kv_value;
        workgroupBarrier();
        for (var t = 0u; t < TILE; t++) { s += q_tile[y * TILE + t] * k_tile[x * TILE + t]; }
        workgroupBarrier();
      }

      // pass 2: score_mod and mask (the fill, or left out), the entry's flags, and the block's row max
      let j = j0 + x;
      var xv = LOWEST;
      var f = 0u;
      if (i < params.n && j < params.m) {
        if (allowed(i, j)) {
          let a = scaled_score(round_format(s), head, i, j);
          f = HAS_KEY;
          if (is_undefined(a)) { f = f | MET_UNDEFINED; }
          else if (!is_minus_infinity(a)) { xv = a; f = f | HAS_FINITE | COUNTS; }
        } else if (params.finite_fill != 0u) {
          xv = params.fill;
          f = HAS_FINITE | COUNTS;
        }
      }
      s_tile[y * TILE + x] = xv;
      f_tile[y * TILE + x] = f;
      // stage v[j0 + y][col0 + x + t·TILE] for pass 3 meanwhile
      if (accumulate) {
        for (var t = 0u; t < COLS; t++) {
          let c = col0 + x + t * TILE;
          let vj = j0 + y;
          var vv = 0.0;
          if (vj < params.m && c < params.d_v) { vv = v[v_base + vj * params.d_v + c]; }
          v_tile[y * TILE * COLS + x + t * TILE] = vv;
        }
      }
      workgroupBarrier();
      var block_max = LOWEST;
      for (var t = 0u; t < TILE; t++) {
        let ft = f_tile[y * TILE + t];
        flags = flags | (ft & 7u);
        if ((ft & COUNTS) != 0u) { block_max = max(block_max, s_tile[y * TILE + t]); }
      }

      // pass 3: p = exp(x − m) (or the final weight on the second walk), the running sum, and acc += p · v
      let counts = (f & COUNTS) != 0u;
      if (two_walks && accumulate) {
        var w = 0.0;
        if (counts) { w = round_format(exp(xv - m_run) / l_run); }
        p_tile[y * TILE + x] = w;
        workgroupBarrier();
        for (var t = 0u; t < COLS; t++) {
          var a = acc[t];
          for (var kk = 0u; kk < TILE; kk++) { a += p_tile[y * TILE + kk] * v_tile[kk * TILE * COLS + x + t * TILE]; }
          acc[t] = a;
        }
      } else {
        let m_new = max(m_run, block_max);
        // exp(m_run − m_new) rescales the sums so far; nothing to rescale before the first entry that counts
        let rescale = select(exp(m_run - m_new), 1.0, m_run == LOWEST);
        var p = 0.0;
        if (counts) { p = exp(xv - m_new); }
        p_tile[y * TILE + x] = p;
        workgroupBarrier();
        var block_sum = 0.0;
        for (var t = 0u; t < TILE; t++) { block_sum += p_tile[y * TILE + t]; }
        l_run = l_run * rescale + block_sum;
        m_run = m_new;
        if (accumulate) {
          for (var t = 0u; t < COLS; t++) {
            var a = acc[t] * rescale;
            for (var kk = 0u; kk < TILE; kk++) { a += p_tile[y * TILE + kk] * v_tile[kk * TILE * COLS + x + t * TILE]; }
            acc[t] = a;
          }
        }
      }
      workgroupBarrier();  // the tiles are overwritten by the next step
    }
  }

  if (i < params.n) {
    let empty = (flags & HAS_KEY) == 0u && params.finite_fill == 0u;
    let undefined = !empty && ((flags & MET_UNDEFINED) != 0u || (flags & HAS_FINITE) == 0u);
    for (var t = 0u; t < COLS; t++) {
      let c = col0 + x + t * TILE;
      if (c < params.d_v) {
        var o = 0.0;
        if (undefined) { o = quiet_nan(); }
        else if (!empty && two_walks) { o = acc[t]; }
        else if (!empty && l_run > 0.0) { o = acc[t] / l_run; }
        out[(head * params.n + i) * params.d_v + c] = round_format(o);
      }
    }
  }
}
