// Fused attention for long sequences: out[h][i] = softmax(mask(scale · q_i·Kᵀ)) · V in one pass over the
// keys, without the N × M scores ever reaching global memory (FlashAttention's online softmax).
// Dispatched by gpu::dispatch_flash_attention (src/gpu/attention_gpu.cpp).
// A workgroup owns TILE query rows and TILE · COLS output columns; it streams the keys TILE at a time:
//   pass 1: s = q·kᵀ for the TILE × TILE block (q and k staged through workgroup memory, d_k in TILE chunks)
//   pass 2: scale and mask; the block's row max raises the running max m, rescaling what came before
//   pass 3: p = exp(s − m); the running sum l and the output accumulators take p and p · v
// At the end out = acc / l, or zeros for a row with no allowed key, as the reference. With d_v above
// TILE · COLS the grid has several column blocks and each recomputes the scores (d_v ≤ 64: one block).
// Grid: (⌈d_v / (TILE · COLS)⌉, ⌈N / TILE⌉, heads). Workgroup memory: (4 + COLS) · TILE² floats.

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

override TILE: u32 = 16u;  // query rows per workgroup, keys per step, d_k columns per chunk
const COLS: u32 = 4u;      // output columns per invocation (a private array, so a constant)

// Below every real scaled score: the running max before any allowed key. Finite on purpose: WGSL lets
// an implementation assume there are no infinities.
const LOWEST: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;           // heads × N × d_k
@group(0) @binding(2) var<storage, read> k: array<f32>;           // heads × M × d_k
@group(0) @binding(3) var<storage, read> v: array<f32>;           // heads × M × d_v
@group(0) @binding(4) var<storage, read> allow_bits: array<u32>;  // N × allow_words (one word when unused)
@group(0) @binding(5) var<storage, read_write> out: array<f32>;   // heads × N × d_v

var<workgroup> q_tile: array<f32, TILE * TILE>;         // [query row][d_k column]
var<workgroup> k_tile: array<f32, TILE * TILE>;         // [key][d_k column]
var<workgroup> s_tile: array<f32, TILE * TILE>;         // [query row][key]: scaled, masked scores
var<workgroup> p_tile: array<f32, TILE * TILE>;         // [query row][key]: exp(s − m)
var<workgroup> v_tile: array<f32, TILE * TILE * COLS>;  // [key][output column of this block]

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

@compute @workgroup_size(TILE, TILE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
  let head = group.z;
  let row0 = group.y * TILE;
  let col0 = group.x * TILE * COLS;  // first output column of this block
  let y = local.y;                    // query row within the block
  let x = local.x;                    // key within a step; output columns x, x + TILE, …
  let i = row0 + y;
  let q_base = head * params.n * params.d_k;
  let k_base = head * params.m * params.d_k;
  let v_base = head * params.m * params.d_v;

  var m_run = LOWEST;  // running max of row i (every invocation of the row keeps the same copy)
  var l_run = 0.0;     // running Σ exp(s − m_run)
  var acc: array<f32, COLS>;

  for (var j0 = 0u; j0 < params.m; j0 += TILE) {
    // pass 1: s = q_i · k_j for j = j0 + x
    var s = 0.0;
    for (var c0 = 0u; c0 < params.d_k; c0 += TILE) {
      let c = c0 + x;
      let kj = j0 + y;
      var qv = 0.0;
      var kv = 0.0;
      if (i < params.n && c < params.d_k) { qv = q[q_base + i * params.d_k + c]; }
      if (kj < params.m && c < params.d_k) { kv = k[k_base + kj * params.d_k + c]; }
      q_tile[y * TILE + x] = qv;
      k_tile[y * TILE + x] = kv;
      workgroupBarrier();
      for (var t = 0u; t < TILE; t++) { s += q_tile[y * TILE + t] * k_tile[x * TILE + t]; }
      workgroupBarrier();
    }

    // pass 2: scale, mask, and the block's row max
    let j = j0 + x;
    let ok = i < params.n && j < params.m && allowed(i, j);
    s_tile[y * TILE + x] = select(LOWEST, params.scale * s, ok);
    // stage v[j0 + y][col0 + x + t·TILE] for pass 3 meanwhile
    for (var t = 0u; t < COLS; t++) {
      let c = col0 + x + t * TILE;
      let vj = j0 + y;
      var vv = 0.0;
      if (vj < params.m && c < params.d_v) { vv = v[v_base + vj * params.d_v + c]; }
      v_tile[y * TILE * COLS + x + t * TILE] = vv;
    }
    workgroupBarrier();
    var block_max = LOWEST;
    for (var t = 0u; t < TILE; t++) { block_max = max(block_max, s_tile[y * TILE + t]); }
    let m_new = max(m_run, block_max);
    // exp(m_run − m_new) rescales the sums so far; nothing to rescale before the first allowed key
    let rescale = select(exp(m_run - m_new), 1.0, m_run == LOWEST);

    // pass 3: p = exp(s − m_new), the running sum, and acc += p · v
    p_tile[y * TILE + x] = select(0.0, exp(s_tile[y * TILE + x] - m_new), ok);
    workgroupBarrier();
    var block_sum = 0.0;
    for (var t = 0u; t < TILE; t++) { block_sum += p_tile[y * TILE + t]; }
    l_run = l_run * rescale + block_sum;
    m_run = m_new;
    for (var t = 0u; t < COLS; t++) {
      var a = acc[t] * rescale;
      for (var kk = 0u; kk < TILE; kk++) { a += p_tile[y * TILE + kk] * v_tile[kk * TILE * COLS + x + t * TILE]; }
      acc[t] = a;
    }
    workgroupBarrier();  // the tiles are overwritten by the next step
  }

  if (i < params.n) {
    for (var t = 0u; t < COLS; t++) {
      let c = col0 + x + t * TILE;
      if (c < params.d_v) {
        var o = 0.0;
        if (l_run > 0.0) { o = acc[t] / l_run; }
        out[(head * params.n + i) * params.d_v + c] = o;
      }
    }
  }
}
