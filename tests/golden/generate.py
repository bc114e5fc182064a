#!/usr/bin/python3
"""Generate the golden attention test cases in tests/golden/cases/.

Run with Debian's python3 (python3-torch 1.13, python3-numpy):

    /usr/bin/python3 tests/golden/generate.py

Every case is one JSON file NAME.json:

    {"name", "description", "scenario": <SPEC section 1 scenario>,
     "expected": {"output", "concat", "heads": [{"q","k","v","scores","scaled","weights","output"}],
                  "empty_rows"}}

Non-finite cells (an overflow the case is about) are written as null.  The SPEC section 1b variants
(kv_heads, alibi, softcap, sinks, mask_fill) are computed in float64 like the rest; a `precision` case
("fp32", "fp16", "bf16") is computed in float32 with every SPEC rounding point rounded to the format
(tensor.to(dtype).to(float32): Debian's torch 1.13 has no fp16 matmul on the CPU), i.e. the model
the float backends emulate.

The reference numbers are computed in float64 with torch.  Three independent paths are
cross-checked before anything is written:
  * `reference()`       - vectorised plain torch, implementing SPEC section 1 step by step;
  * `naive()`           - element-by-element Python/numpy loops (math.sin/cos, explicit mask rules);
  * torch.nn.MultiheadAttention, for the cases it can express (self/cross attention with
    kdim = vdim = embed_dim, boolean attn_mask with inverted polarity, key_padding_mask).
The script is deterministic (fixed seed per case) and rewrites cases/ from scratch.
"""

import json
import math
import os
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")

MHA_TOL = 1e-12
NAIVE_TOL = 1e-12


def naive_tolerance(sc):
    """float64 paths agree to 1e-12; a precision case is torch in float32 against the loops' float64 with the
    same rounding points, so they can land one unit of the format apart (then a few units downstream)."""
    return {None: NAIVE_TOL, "fp32": 1e-5, "fp16": 8 * 2.0 ** -11, "bf16": 8 * 2.0 ** -8}[sc.get("precision")]


# ----------------------------------------------------------------------------------------------
# Random scenario numbers (rounded to 6 significant digits so the JSON is the exact input)
# ----------------------------------------------------------------------------------------------

def r6(v):
    v = float(f"{float(v):.6g}")
    return 0.0 if v == 0.0 else v  # no negative zeros in inputs


class Rng:
    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)

    def normal(self, shape, scale=1.0):
        t = torch.randn(*shape, generator=self.g, dtype=torch.float64) * scale
        return t.apply_(r6) if t.dim() else torch.tensor(r6(t))

    def mat(self, rows, cols, scale=1.0):
        return self.normal((rows, cols), scale).tolist()

    def vec(self, n, scale=1.0):
        return self.normal((n,), scale).tolist()

    def bits(self, shape, p_one=0.6):
        return (torch.rand(*shape, generator=self.g) < p_one).to(torch.int64).tolist()


def make(seed, n, d, heads=None, m=None, d_k=None, d_v=None, weights=True, biases=True,
         x_scale=1.0, w_scale=None, b_scale=0.1, tokens=True, **extra):
    """A scenario with random x (and context), random weights ~ N(0, 1/d_model) and biases."""
    rng = Rng(seed)
    h = 1 if heads is None else heads
    dk = d_k if d_k is not None else d // h
    dv = d_v if d_v is not None else dk
    if w_scale is None:
        w_scale = 1.0 / math.sqrt(d)
    sc = {"version": 1}
    if tokens:
        sc["tokens"] = [f"q{i}" for i in range(n)]
    sc["x"] = rng.mat(n, d, x_scale)
    if m is not None:
        sc["context"] = {"tokens": [f"c{j}" for j in range(m)], "x": rng.mat(m, d, x_scale)}
    if heads is not None:
        sc["heads"] = heads
    if d_k is not None:
        sc["d_k"] = d_k
    if d_v is not None:
        sc["d_v"] = d_v
    if weights:
        sc["w_q"] = rng.mat(d, h * dk, w_scale)
        sc["w_k"] = rng.mat(d, h * dk, w_scale)
        sc["w_v"] = rng.mat(d, h * dv, w_scale)
        sc["w_o"] = rng.mat(h * dv, d, 1.0 / math.sqrt(h * dv))
    if biases:
        sc["b_q"] = rng.vec(h * dk, b_scale)
        sc["b_k"] = rng.vec(h * dk, b_scale)
        sc["b_v"] = rng.vec(h * dv, b_scale)
        sc["b_o"] = rng.vec(d, b_scale)
    sc.update(extra)
    return sc, rng


# ----------------------------------------------------------------------------------------------
# Reference 1: vectorised plain torch
# ----------------------------------------------------------------------------------------------

def T(a):
    return torch.tensor(a, dtype=torch.float64)


def dims(sc):
    x = sc["x"]
    n, d = len(x), len(x[0])
    m = len(sc["context"]["x"]) if "context" in sc else n
    h = sc.get("heads", 1)
    if "d_k" not in sc:
        assert d % h == 0, "heads must divide d_model when d_k is defaulted"
    dk = sc.get("d_k", d // h)
    dv = sc.get("d_v", dk)
    return n, m, d, h, dk, dv


def sinusoidal_table(p, d):
    pos = torch.arange(p, dtype=torch.float64)[:, None]
    even = torch.arange(0, d, 2, dtype=torch.float64)  # the column index 2i
    ang = pos / torch.pow(torch.tensor(10000.0), even / d)[None, :]
    pe = torch.zeros(p, d)
    pe[:, 0::2] = torch.sin(ang)
    pe[:, 1::2] = torch.cos(ang)[:, : d // 2]
    return pe


def rope_params(pos_spec):
    if pos_spec == "rope":
        return 10000.0, "interleaved"
    if isinstance(pos_spec, dict) and "rope" in pos_spec:
        r = pos_spec["rope"]
        return float(r.get("base", 10000.0)), r.get("pairing", "interleaved")
    return None


def rope_torch(t, base, pairing):
    p, dk = t.shape
    half = dk // 2
    idx = torch.arange(half, dtype=torch.float64)
    theta = torch.arange(p, dtype=torch.float64)[:, None] * torch.pow(torch.tensor(base), -2.0 * idx / dk)[None, :]
    c, s = torch.cos(theta).to(t.dtype), torch.sin(theta).to(t.dtype)  # a float32 case turns in float32
    out = t.clone()
    if pairing == "interleaved":
        a, b = t[:, 0 : 2 * half : 2], t[:, 1 : 2 * half : 2]
        out[:, 0 : 2 * half : 2] = a * c - b * s
        out[:, 1 : 2 * half : 2] = a * s + b * c
    elif pairing == "half":
        a, b = t[:, :half], t[:, half : 2 * half]
        out[:, :half] = a * c - b * s
        out[:, half : 2 * half] = a * s + b * c
    else:
        raise ValueError(pairing)
    return out


def mask_torch(spec, n, m):
    i = torch.arange(n)[:, None]
    j = torch.arange(m)[None, :]
    full = torch.ones(n, m, dtype=torch.bool)
    if spec is None or spec == "none":
        return full
    if spec == "causal":
        return j <= i
    if isinstance(spec, list):
        return T(spec) != 0
    assert isinstance(spec, dict)
    allowed = full.clone()
    causal = spec.get("causal")
    shift = (m - n) if causal == "bottom_right" else 0
    if causal is not None:
        assert causal in ("top_left", "bottom_right")
        allowed &= j <= i + shift
    if "window" in spec:
        w = spec["window"]
        allowed &= (j <= i + shift) & (j > i + shift - w)
    if "allow" in spec:
        allowed &= T(spec["allow"]) != 0
    if "key_valid" in spec:
        allowed &= (T(spec["key_valid"]) != 0)[None, :]
    return allowed


def weight_or_identity(sc, key, rows, cols):
    return T(sc[key]) if key in sc else torch.eye(rows, cols)


def bias_or_zero(sc, key, n):
    return T(sc[key]) if key in sc else torch.zeros(n)


def scale_value(sc, dk):
    s = sc.get("scale", "inv_sqrt_dk")
    if s == "inv_sqrt_dk":
        return 1.0 / math.sqrt(dk)
    if s == "none":
        return 1.0
    return float(s)


def alibi_slopes(n):
    """Press et al.'s reference code (github.com/ofirpress/attention_with_linear_biases), verbatim in spirit."""
    def power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        return [start * start ** i for i in range(n)]
    if math.log2(n).is_integer():
        return power_of_2(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_2(closest) + alibi_slopes(2 * closest)[0::2][: n - closest]


def alibi_offset(sc, n, m):
    mask = sc.get("mask", "none")
    return (m - n) if isinstance(mask, dict) and mask.get("causal") == "bottom_right" else 0


def fill_value(sc):
    f = sc.get("mask_fill", "-inf")
    return float("-inf") if f == "-inf" else float(f)


def rounder(sc):
    """The precision's rounding, applied to float32 tensors; None when the case has no precision."""
    p = sc.get("precision")
    if p is None:
        return None
    if p == "fp32":
        return lambda t: t.to(torch.float32)
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}[p]
    return lambda t: t.to(torch.float32).to(dtype).to(torch.float32)


def reference(sc):
    n, m, d, h, dk, dv = dims(sc)
    g = sc.get("kv_heads", h)
    R = rounder(sc)
    F = (lambda t: t) if R is None else R  # the format: identity in float64
    x = T(sc["x"])
    c = T(sc["context"]["x"]) if "context" in sc else None
    pos = sc.get("positional", "none")
    if pos == "sinusoidal":
        x = x + sinusoidal_table(n, d)
        if c is not None:
            c = c + sinusoidal_table(m, d)
    elif isinstance(pos, dict) and "learned" in pos:
        table = T(pos["learned"])
        x = x + table[:n]
        if c is not None:
            c = c + table[:m]
    x = F(x)
    c = x if c is None else F(c)
    wq = F(weight_or_identity(sc, "w_q", d, h * dk))
    wk = F(weight_or_identity(sc, "w_k", d, g * dk))
    wv = F(weight_or_identity(sc, "w_v", d, g * dv))
    wo = F(weight_or_identity(sc, "w_o", h * dv, d))
    Q = x @ wq + F(bias_or_zero(sc, "b_q", h * dk))
    K = c @ wk + F(bias_or_zero(sc, "b_k", g * dk))
    V = F(c @ wv + F(bias_or_zero(sc, "b_v", g * dv)))
    rope = rope_params(pos)
    allowed = mask_torch(sc.get("mask", "none"), n, m)
    fill = fill_value(sc)
    empty = ~allowed.any(dim=1) if fill == float("-inf") else torch.zeros(n, dtype=torch.bool)
    s = scale_value(sc, dk)
    slopes = alibi_slopes(h) if sc.get("alibi") else None
    distance = (torch.arange(n)[:, None] + alibi_offset(sc, n, m) - torch.arange(m)[None, :]).abs()
    cap = sc.get("softcap")
    sinks = F(T(sc["sinks"])) if "sinks" in sc else None
    heads = []
    for hh in range(h):
        kv = hh * g // h  # grouped-query attention: the K/V head of query head hh
        q = Q[:, hh * dk : (hh + 1) * dk]
        k = K[:, kv * dk : (kv + 1) * dk]
        v = V[:, kv * dv : (kv + 1) * dv]
        if rope is not None:
            q, k = rope_torch(q, *rope), rope_torch(k, *rope)
        q, k = F(q), F(k)
        scores = F(q @ k.T)
        scaled = s * scores
        if slopes is not None:
            scaled = scaled - slopes[hh] * distance.to(scaled.dtype)
        if cap is not None:
            scaled = cap * torch.tanh(scaled / cap)
        scaled = F(scaled)
        logits = scaled.masked_fill(~allowed, fill)
        if sinks is not None:  # the sink joins the denominator as one more column with no value behind it
            logits = torch.cat([logits, sinks[hh].expand(n, 1).to(logits.dtype)], dim=1)
        w = torch.softmax(logits, dim=-1)  # torch subtracts the row max
        if sinks is not None:
            w = w[:, :m]
        w = F(w.masked_fill(empty[:, None], 0.0))
        out = F(w @ v)
        heads.append({"q": q, "k": k, "v": v, "scores": scores, "scaled": scaled, "weights": w, "output": out})
    concat = torch.cat([hd["output"] for hd in heads], dim=1)
    output = F(concat @ wo + F(bias_or_zero(sc, "b_o", d)))
    return {
        "output": output,
        "concat": concat,
        "heads": heads,
        "empty_rows": [int(r) for r in torch.nonzero(empty).flatten()],
    }


# ----------------------------------------------------------------------------------------------
# Reference 2: element-by-element loops (independent of the torch code above)
# ----------------------------------------------------------------------------------------------

def naive_allowed(spec, n, m, i, j):
    if spec is None or spec == "none":
        return True
    if spec == "causal":
        return j <= i
    if isinstance(spec, list):
        return spec[i][j] == 1
    ok = True
    causal = spec.get("causal")
    if causal == "top_left":
        ok = ok and j <= i
    elif causal == "bottom_right":
        ok = ok and j <= i + (m - n)
    if "window" in spec:
        w = spec["window"]
        if causal == "bottom_right":
            ok = ok and (i + (m - n) - w < j <= i + (m - n))
        else:  # bare {"window": w} or with top_left: causal top-left and within w
            ok = ok and (i - w < j <= i)
    if "allow" in spec:
        ok = ok and spec["allow"][i][j] == 1
    if "key_valid" in spec:
        ok = ok and spec["key_valid"][j] == 1
    return ok


def naive_round(precision):
    """Round-to-nearest-even of a float64 to the format, written from the formats' definitions (frexp/ldexp),
    independently of torch: the loops below emulate a precision in float64 with it."""
    if precision is None:
        return lambda v: v
    bits, emin, largest = {"fp32": (24, -126, 3.4028234663852886e38), "fp16": (11, -14, 65504.0),
                           "bf16": (8, -126, 3.3895313892515355e38)}[precision]

    def r(v):
        if not math.isfinite(v) or v == 0:
            return v
        lead = max(math.frexp(v)[1] - 1, emin)
        q = lead - (bits - 1)
        out = math.ldexp(round(math.ldexp(v, -q)), q)  # Python's round() is ties-to-even
        return math.copysign(math.inf, v) if abs(out) > largest else out
    return r


def naive(sc):
    x = np.array(sc["x"], dtype=np.float64)
    n, d = x.shape
    c = np.array(sc["context"]["x"], dtype=np.float64) if "context" in sc else None
    m = c.shape[0] if c is not None else n
    h = sc.get("heads", 1)
    g = sc.get("kv_heads", h)
    dk = sc.get("d_k", d // h)
    dv = sc.get("d_v", dk)
    pos = sc.get("positional", "none")
    r = naive_round(sc.get("precision"))
    rm = np.vectorize(r, otypes=[np.float64])

    def add_pe(a):
        a = a.copy()
        for p in range(a.shape[0]):
            for col in range(d):
                i2 = col - (col % 2)
                ang = p / (10000.0 ** (i2 / d))
                a[p, col] += math.sin(ang) if col % 2 == 0 else math.cos(ang)
        return a

    if pos == "sinusoidal":
        x = add_pe(x)
        if c is not None:
            c = add_pe(c)
    elif isinstance(pos, dict) and "learned" in pos:
        tab = np.array(pos["learned"], dtype=np.float64)
        x = x + tab[:n]
        if c is not None:
            c = c + tab[:m]
    x = rm(x)
    c = x if c is None else rm(c)

    def W(key, rr, cc):
        if key in sc:
            return rm(np.array(sc[key], dtype=np.float64))
        e = np.zeros((rr, cc))
        for t in range(min(rr, cc)):
            e[t, t] = 1.0
        return e

    def B(key, k):
        return rm(np.array(sc[key], dtype=np.float64)) if key in sc else np.zeros(k)

    Q = x @ W("w_q", d, h * dk) + B("b_q", h * dk)
    K = c @ W("w_k", d, g * dk) + B("b_k", g * dk)
    V = rm(c @ W("w_v", d, g * dv) + B("b_v", g * dv))
    rope = None
    if pos == "rope":
        rope = (10000.0, "interleaved")
    elif isinstance(pos, dict) and "rope" in pos:
        rope = (float(pos["rope"].get("base", 10000.0)), pos["rope"].get("pairing", "interleaved"))

    def rotate(vecs):
        out = vecs.copy()
        for p in range(vecs.shape[0]):
            for t in range(dk // 2):
                th = p * rope[0] ** (-2.0 * t / dk)
                a_i, b_i = (2 * t, 2 * t + 1) if rope[1] == "interleaved" else (t, t + dk // 2)
                a, b = vecs[p, a_i], vecs[p, b_i]
                out[p, a_i] = a * math.cos(th) - b * math.sin(th)
                out[p, b_i] = a * math.sin(th) + b * math.cos(th)
        return out

    s = sc.get("scale", "inv_sqrt_dk")
    s = 1.0 / math.sqrt(dk) if s == "inv_sqrt_dk" else (1.0 if s == "none" else float(s))
    spec = sc.get("mask", "none")
    fill = fill_value(sc)
    offset = alibi_offset(sc, n, m)
    cap = sc.get("softcap")
    heads = []
    for hh in range(h):
        kv = (hh * g) // h
        q = Q[:, hh * dk : (hh + 1) * dk]
        k = K[:, kv * dk : (kv + 1) * dk]
        v = V[:, kv * dv : (kv + 1) * dv]
        if rope:
            q, k = rotate(q), rotate(k)
        q, k = rm(q), rm(k)
        slope = alibi_slopes(h)[hh] if sc.get("alibi") else 0.0
        sink = r(float(sc["sinks"][hh])) if "sinks" in sc else None
        scores = np.zeros((n, m))
        scaled = np.zeros((n, m))
        w = np.zeros((n, m))
        for i in range(n):
            for j in range(m):
                scores[i, j] = r(sum(q[i, t] * k[j, t] for t in range(dk)))
                a = s * scores[i, j] - slope * abs(i + offset - j)
                if cap is not None:
                    a = cap * math.tanh(a / cap)
                scaled[i, j] = r(a)
            ok = [naive_allowed(spec, n, m, i, j) for j in range(m)]
            logits = [scaled[i, j] if ok[j] else fill for j in range(m)]
            if not any(ok) and fill == -math.inf:
                continue  # empty row: zero weights
            if any(math.isnan(a) or a == math.inf for a in logits):
                w[i, :] = math.nan  # no defined softmax
                continue
            mx = max(logits + ([sink] if sink is not None else []))
            e = [math.exp(a - mx) for a in logits]
            tot = sum(e) + (math.exp(sink - mx) if sink is not None else 0.0)
            for j in range(m):
                w[i, j] = r(e[j] / tot)
        heads.append({"q": q, "k": k, "v": v, "scores": scores, "scaled": scaled, "weights": w,
                      "output": rm(w @ v)})
    concat = np.concatenate([hd["output"] for hd in heads], axis=1)
    output = rm(concat @ W("w_o", h * dv, d) + B("b_o", d))
    return {"output": output, "concat": concat, "heads": heads}


def max_diff(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    if a.size == 0:
        return 0.0
    if not np.array_equal(np.isfinite(a), np.isfinite(b)):
        return math.inf
    fin = np.isfinite(b)
    if not fin.any():
        return 0.0
    return float(np.max(np.abs(a[fin] - b[fin]) / np.maximum(1.0, np.abs(b[fin]))))


def compare(ref, other):
    worst = max(max_diff(ref["output"], other["output"]), max_diff(ref["concat"], other["concat"]))
    for hr, ho in zip(ref["heads"], other["heads"]):
        for key in ho:
            worst = max(worst, max_diff(hr[key], ho[key]))
    return worst


# ----------------------------------------------------------------------------------------------
# Reference 3: torch.nn.MultiheadAttention
# ----------------------------------------------------------------------------------------------

def run_mha(sc, attn_disallow=None, key_padding=None):
    """sc must give every weight and bias; attn_disallow is the N x M boolean mask in MHA's polarity
    (True = may NOT attend), key_padding the M-vector (True = padding, ignored)."""
    n, m, d, h, dk, dv = dims(sc)
    assert dk * h == d and dv == dk
    mha = torch.nn.MultiheadAttention(d, h, bias=True, batch_first=True, dtype=torch.float64)
    mha.eval()
    with torch.no_grad():
        # Row-vector convention: our w_q (d x d) is torch's W_q transposed (torch computes x W^T + b).
        mha.in_proj_weight.copy_(torch.cat([T(sc["w_q"]).T, T(sc["w_k"]).T, T(sc["w_v"]).T], dim=0))
        mha.in_proj_bias.copy_(torch.cat([T(sc["b_q"]), T(sc["b_k"]), T(sc["b_v"])]))
        mha.out_proj.weight.copy_(T(sc["w_o"]).T)
        mha.out_proj.bias.copy_(T(sc["b_o"]))
        q = T(sc["x"])[None]
        kv = T(sc["context"]["x"])[None] if "context" in sc else q
        out, w = mha(q, kv, kv,
                     key_padding_mask=None if key_padding is None else key_padding[None],
                     need_weights=True, attn_mask=attn_disallow, average_attn_weights=False)
    return {"output": out[0], "weights": w[0]}


# ----------------------------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------------------------

CASES = []


def case(name, description, mha=None):
    """mha: None, or a function scenario -> (attn_disallow, key_padding) for an nn.MultiheadAttention check."""
    def deco(fn):
        CASES.append((name, description, fn, mha))
        return fn
    return deco


def rows_with_one(rng, n, m, p_one=0.6, force_empty=()):
    a = rng.bits((n, m), p_one)
    for i in range(n):
        if i in force_empty:
            a[i] = [0] * m
        elif not any(a[i]):
            a[i][(i * 7 + 3) % m] = 1
    return a


# --- plain / defaults -------------------------------------------------------------------------

@case("single_head_plain", "one head, N=4, d_model=3, random weights and biases; scale/mask/positional spelled out as their defaults")
def _():
    return make(101, 4, 3, scale="inv_sqrt_dk", mask="none", positional="none")[0]


@case("defaults_identity", "only version and x: identity weights, zero biases, 1 head, no tokens given")
def _():
    return make(102, 3, 4, weights=False, biases=False, tokens=False)[0]


@case("defaults_identity_rectangular",
      "h=2, d_model=6, d_k=4, d_v=5, every weight defaulted: rectangular identity-like matrices (1 on the diagonal)")
def _():
    sc, _ = make(103, 4, 6, heads=2, d_k=4, d_v=5, weights=False, biases=False)
    return sc


@case("defaults_weights_with_biases", "3 heads, d_model=6, identity weights but explicit nonzero biases")
def _():
    sc, _ = make(104, 5, 6, heads=3, weights=False, b_scale=0.5)
    return sc


# --- nn.MultiheadAttention cases ---------------------------------------------------------------

@case("mha_self_3heads", "nn.MultiheadAttention self-attention: d_model=9, h=3, N=5, biases, no mask",
      mha=lambda sc: (None, None))
def _():
    return make(201, 5, 9, heads=3)[0]


@case("mha_self_attn_mask", "nn.MultiheadAttention with a boolean attn_mask (inverted polarity); bare N x M 0/1 allow matrix",
      mha=lambda sc: (T(sc["mask"]) == 0, None))
def _():
    sc, rng = make(202, 6, 8, heads=4)
    sc["mask"] = rows_with_one(rng, 6, 6, 0.5)
    return sc


@case("mha_self_key_padding", "nn.MultiheadAttention with key_padding_mask; mask {\"key_valid\": M}",
      mha=lambda sc: (None, T(sc["mask"]["key_valid"]) == 0))
def _():
    sc, _ = make(203, 7, 6, heads=2)
    sc["mask"] = {"key_valid": [1, 1, 0, 1, 1, 0, 1]}
    return sc


@case("mha_self_causal", "nn.MultiheadAttention with a triu boolean attn_mask; mask \"causal\"",
      mha=lambda sc: (torch.ones(5, 5, dtype=torch.bool).triu(1), None))
def _():
    sc, _ = make(204, 5, 10, heads=5)
    sc["mask"] = "causal"
    return sc


@case("mha_cross_m_gt_n", "nn.MultiheadAttention cross-attention N=3 queries, M=7 context keys, d_model=6, h=2",
      mha=lambda sc: (None, None))
def _():
    return make(205, 3, 6, heads=2, m=7)[0]


@case("mha_cross_m_lt_n_masks",
      "nn.MultiheadAttention cross-attention N=6, M=4 with attn_mask and key_padding_mask; object mask {allow, key_valid}",
      mha=lambda sc: (T(sc["mask"]["allow"]) == 0, T(sc["mask"]["key_valid"]) == 0))
def _():
    sc, rng = make(206, 6, 8, heads=2, m=4)
    kv = [1, 0, 1, 1]
    allow = rng.bits((6, 4), 0.6)
    for i in range(6):
        if not any(allow[i][j] and kv[j] for j in range(4)):
            allow[i][[0, 2, 3][i % 3]] = 1
    sc["mask"] = {"allow": allow, "key_valid": kv}
    return sc


@case("mha_single_token", "nn.MultiheadAttention with N=1 (self-attention; weight is exactly 1)",
      mha=lambda sc: (None, None))
def _():
    return make(207, 1, 4, heads=2)[0]


# --- masks (plain torch) -----------------------------------------------------------------------

@case("causal_self", "mask \"causal\" on self-attention, N=6, d_model=4, h=2")
def _():
    return make(301, 6, 4, heads=2, mask="causal")[0]


@case("causal_top_left_cross_m_gt_n", "mask \"causal\" (top-left: j <= i) with N=4, M=7")
def _():
    return make(302, 4, 6, heads=3, m=7, mask="causal")[0]


@case("causal_top_left_cross_m_lt_n", "mask {\"causal\": \"top_left\"} with N=6, M=3 (rows 3..5 see every key)")
def _():
    return make(303, 6, 4, m=3, mask={"causal": "top_left"})[0]


@case("causal_bottom_right_m_gt_n", "mask {\"causal\": \"bottom_right\"}: j <= i + (M - N) with N=3, M=7")
def _():
    return make(304, 3, 6, heads=2, m=7, mask={"causal": "bottom_right"})[0]


@case("causal_bottom_right_m_lt_n_empty_rows",
      "mask {\"causal\": \"bottom_right\"} with N=5, M=3: rows 0 and 1 have no key (zero weights, output row = b_o)")
def _():
    return make(305, 5, 4, heads=2, m=3, mask={"causal": "bottom_right"})[0]


@case("window_self", "mask {\"window\": 3} on self-attention N=8: j in (i-3, i]")
def _():
    return make(306, 8, 6, heads=2, mask={"window": 3})[0]


@case("window_one", "mask {\"window\": 1}: every query sees only itself (weights are the identity)")
def _():
    return make(307, 5, 4, mask={"window": 1})[0]


@case("window_top_left_cross", "mask {\"causal\": \"top_left\", \"window\": 2} with N=5, M=7")
def _():
    return make(308, 5, 6, heads=3, m=7, mask={"causal": "top_left", "window": 2})[0]


@case("window_bottom_right_cross",
      "mask {\"causal\": \"bottom_right\", \"window\": 3} with N=4, M=9: j in (i+(M-N)-3, i+(M-N)]")
def _():
    return make(309, 4, 6, heads=2, m=9, mask={"causal": "bottom_right", "window": 3})[0]


@case("window_with_key_valid",
      "object mask {\"window\": 3, \"key_valid\": ...} without a causal key: window implies causal top-left")
def _():
    return make(310, 7, 4, heads=2, mask={"window": 3, "key_valid": [1, 0, 1, 1, 1, 0, 1]})[0]


@case("allow_matrix_bare_cross", "bare N x M 0/1 allow matrix on cross-attention N=5, M=6")
def _():
    sc, rng = make(311, 5, 6, heads=3, m=6)
    sc["mask"] = rows_with_one(rng, 5, 6, 0.5)
    return sc


@case("key_valid_cross", "object mask {\"key_valid\": M} only, cross-attention N=4, M=5")
def _():
    return make(312, 4, 4, m=5, mask={"key_valid": [0, 1, 1, 0, 1]})[0]


@case("combined_object_mask",
      "object mask with every part: {causal: bottom_right, window: 4, allow, key_valid} on N=6, M=8; includes an empty row")
def _():
    sc, rng = make(313, 6, 6, heads=2, m=8)
    allow = rng.bits((6, 8), 0.7)
    sc["mask"] = {"causal": "bottom_right", "window": 4, "allow": allow, "key_valid": [1, 1, 0, 1, 1, 1, 0, 1]}
    allowed = mask_torch(sc["mask"], 6, 8)
    # guarantee exactly one empty row (row 1) and none elsewhere
    for i in range(6):
        cand = [j for j in range(8) if naive_allowed({k: v for k, v in sc["mask"].items() if k != "allow"}, 6, 8, i, j)]
        if i == 1:
            for j in cand:
                allow[i][j] = 0
        elif not allowed[i].any():
            allow[i][cand[-1]] = 1
    return sc


@case("empty_rows_allow_matrix",
      "bare allow matrix with two all-zero rows, 3 heads, nonzero b_o: those rows get zero weights/head outputs, output = b_o")
def _():
    sc, rng = make(314, 6, 6, heads=3, b_scale=0.3)
    sc["mask"] = rows_with_one(rng, 6, 6, 0.5, force_empty=(0, 4))
    return sc


@case("all_rows_empty", "object mask {\"key_valid\": all 0}: every row is empty, output rows all equal b_o")
def _():
    return make(315, 3, 4, heads=2, mask={"key_valid": [0, 0, 0]})[0]


@case("causal_object_top_left_with_allow", "object mask {causal: top_left, allow} on self-attention N=6")
def _():
    sc, rng = make(316, 6, 6, heads=3)
    allow = rng.bits((6, 6), 0.6)
    for i in range(6):
        allow[i][i] = 1
    sc["mask"] = {"causal": "top_left", "allow": allow}
    return sc


# --- scale -------------------------------------------------------------------------------------

@case("scale_none", "scale \"none\" (multiplier 1), h=2, d_model=6")
def _():
    return make(401, 5, 6, heads=2, scale="none")[0]


@case("scale_numeric", "scale 0.37 (a number is the multiplier), causal mask")
def _():
    return make(402, 5, 6, heads=3, scale=0.37, mask="causal")[0]


@case("scale_numeric_large", "scale 2.5 with d_k=3 explicit, sharpening the softmax")
def _():
    return make(403, 4, 6, heads=2, d_k=3, scale=2.5)[0]


# --- head widths -------------------------------------------------------------------------------

@case("dk_dv_differ", "d_model=6, h=2, d_k=4, d_v=3: w_q/w_k are 6x8, w_v 6x6, w_o 6x6")
def _():
    return make(501, 5, 6, heads=2, d_k=4, d_v=3)[0]


@case("dk_dv_differ_cross", "d_model=4, h=3, d_k=2, d_v=5, cross-attention N=3, M=5, causal bottom-right")
def _():
    return make(502, 3, 4, heads=3, d_k=2, d_v=5, m=5, mask={"causal": "bottom_right"})[0]


@case("dmodel_5_heads_5", "d_model=5 (odd), h=5 so d_k=1")
def _():
    return make(503, 4, 5, heads=5)[0]


@case("dmodel_7_single_head", "d_model=7 (odd), \"heads\": 1 given explicitly, causal")
def _():
    return make(504, 6, 7, heads=1, mask="causal")[0]


# --- positional --------------------------------------------------------------------------------

@case("sinusoidal_self", "positional \"sinusoidal\" on self-attention N=6, d_model=8, h=2")
def _():
    return make(601, 6, 8, heads=2, positional="sinusoidal")[0]


@case("sinusoidal_odd_dmodel", "positional \"sinusoidal\" with d_model=7 (last column 6 gets sin only), h=7, causal")
def _():
    return make(602, 5, 7, heads=7, positional="sinusoidal", mask="causal")[0]


@case("sinusoidal_cross", "positional \"sinusoidal\" on cross-attention N=3, M=6: context gets PE by its own positions 0..M-1")
def _():
    return make(603, 3, 6, heads=3, m=6, positional="sinusoidal")[0]


@case("sinusoidal_33_tokens", "positional \"sinusoidal\", N=33, d_model=12, h=4, causal (longer sequence)")
def _():
    return make(604, 33, 12, heads=4, positional="sinusoidal", mask="causal")[0]


@case("learned_self", "positional {\"learned\": N x d_model} on self-attention N=5, d_model=6, h=3")
def _():
    sc, rng = make(611, 5, 6, heads=3)
    sc["positional"] = {"learned": rng.mat(5, 6, 0.5)}
    return sc


@case("learned_cross_m_lt_n",
      "positional {\"learned\": N x d_model} on cross-attention N=5, M=3: context row j gets table row j")
def _():
    sc, rng = make(612, 5, 4, heads=2, m=3)
    sc["positional"] = {"learned": rng.mat(5, 4, 0.5)}
    return sc


@case("rope_default", "positional \"rope\" (base 10000, interleaved pairs), d_model=8, h=2 (d_k=4), causal")
def _():
    return make(621, 6, 8, heads=2, positional="rope", mask="causal")[0]


@case("rope_interleaved_base_100", "positional {\"rope\": {\"base\": 100, \"pairing\": \"interleaved\"}}, d_k=6")
def _():
    return make(622, 7, 12, heads=2, positional={"rope": {"base": 100, "pairing": "interleaved"}})[0]


@case("rope_half_base_500", "positional {\"rope\": {\"base\": 500, \"pairing\": \"half\"}}: pair (t, t+d_k/2), d_k=6")
def _():
    return make(623, 7, 12, heads=2, positional={"rope": {"base": 500, "pairing": "half"}})[0]


@case("rope_half_default_base", "positional {\"rope\": {\"pairing\": \"half\"}} (base defaults to 10000), d_k=8, h=1")
def _():
    return make(624, 5, 8, positional={"rope": {"pairing": "half"}}, mask="causal")[0]


@case("rope_base_only", "positional {\"rope\": {\"base\": 50}} (pairing defaults to interleaved), h=3, d_k=2")
def _():
    return make(625, 6, 6, heads=3, positional={"rope": {"base": 50}})[0]


@case("rope_cross_m_gt_n", "rope on cross-attention N=3, M=6: q rotated by 0..2, k by 0..5; bottom-right causal")
def _():
    return make(626, 3, 8, heads=2, m=6, positional={"rope": {"base": 1000, "pairing": "interleaved"}},
                mask={"causal": "bottom_right"})[0]


@case("rope_dk_not_dmodel_over_h", "rope half with d_model=5, h=1, d_k=4, d_v=3 (rectangular weights)")
def _():
    return make(627, 5, 5, d_k=4, d_v=3, positional={"rope": {"base": 200, "pairing": "half"}})[0]


# --- sizes and magnitudes ----------------------------------------------------------------------

@case("one_token", "N=1 self-attention: the single weight is 1")
def _():
    return make(701, 1, 3, positional="sinusoidal")[0]


@case("one_query_cross", "N=1 query, M=5 context, causal bottom-right (the query sees every key)")
def _():
    return make(702, 1, 4, heads=2, m=5, mask={"causal": "bottom_right"})[0]


@case("tokens_33", "N=33 self-attention, d_model=8, h=2, window 5, rope")
def _():
    return make(703, 33, 8, heads=2, mask={"window": 5}, positional="rope")[0]


@case("large_magnitude_scores",
      "x ~ N(0, 20^2), scale \"none\": raw scores around +-1e3; softmax must stay finite (nearly one-hot rows)")
def _():
    return make(801, 6, 4, heads=2, x_scale=20.0, scale="none", mask="causal")[0]


@case("large_magnitude_inputs_default_scale",
      "x ~ N(0, 30^2) with default scale: scores up to a few 1e3, window mask next to huge values")
def _():
    return make(802, 5, 6, heads=3, x_scale=30.0, mask={"window": 3})[0]


# --- SPEC section 1b: the variants of today's models ---------------------------------------------

def with_kv(sc, rng, g):
    """K/V weights and biases for g key/value heads (d_model x g*d_k, ...)."""
    n, m, d, h, dk, dv = dims(sc)
    sc["kv_heads"] = g
    sc["w_k"] = rng.mat(d, g * dk, 1.0 / math.sqrt(d))
    sc["w_v"] = rng.mat(d, g * dv, 1.0 / math.sqrt(d))
    sc["b_k"] = rng.vec(g * dk, 0.1)
    sc["b_v"] = rng.vec(g * dv, 0.1)
    return sc


@case("gqa_cross_bottom_right", "kv_heads 2 of 4 heads (GQA) on cross-attention N=5, M=7, causal bottom-right")
def _():
    sc, rng = make(901, 5, 8, heads=4, m=7, mask={"causal": "bottom_right"})
    return with_kv(sc, rng, 2)


@case("mqa_self_causal", "kv_heads 1 (multi-query): 3 query heads share one K/V head, causal, d_k=4, d_v=3")
def _():
    sc, rng = make(902, 6, 6, heads=3, d_k=4, d_v=3, mask="causal")
    return with_kv(sc, rng, 1)


@case("kv_heads_equal_heads", "kv_heads given and equal to heads: the textbook layer")
def _():
    sc, rng = make(903, 4, 6, heads=2)
    sc["kv_heads"] = 2
    return sc


@case("alibi_causal_self", "alibi on 4 heads (slopes 2^-2 ... 2^-8), causal self-attention N=7")
def _():
    return make(911, 7, 8, heads=4, mask="causal", alibi=True)[0]


@case("alibi_bottom_right_cross", "alibi with bottom-right alignment: p_q = i + M - N, cross-attention N=3, M=6")
def _():
    return make(912, 3, 8, heads=2, m=6, mask={"causal": "bottom_right"}, alibi=True)[0]


@case("alibi_heads_6", "alibi with 6 heads (not a power of two: the paper's interleaved slopes), no mask, N=5")
def _():
    return make(913, 5, 12, heads=6, alibi=True)[0]


@case("alibi_gqa_window", "alibi + kv_heads 3 of 6 heads + window 3, self-attention N=8")
def _():
    sc, rng = make(914, 8, 12, heads=6, mask={"window": 3}, alibi=True)
    return with_kv(sc, rng, 3)


@case("softcap_unscaled", "softcap 2 with scale \"none\" and x ~ N(0, 3^2): large scores squashed into (-2, 2)")
def _():
    return make(921, 6, 6, heads=2, x_scale=3.0, scale="none", softcap=2.0)[0]


@case("softcap_alibi_causal", "softcap 1.5 after ALiBi, causal, 4 heads")
def _():
    return make(922, 6, 8, heads=4, mask="causal", alibi=True, softcap=1.5)[0]


@case("sinks_fully_masked_row", "sinks (one logit per head) with a bare allow matrix whose row 2 is empty: that row stays zero")
def _():
    sc, rng = make(931, 5, 6, heads=3)
    sc["mask"] = rows_with_one(rng, 5, 5, 0.6, force_empty=(2,))
    sc["sinks"] = rng.vec(3, 1.0)
    return sc


@case("sinks_causal_cross", "sinks on cross-attention N=4, M=6, causal top-left, sink logits of 2 and -1")
def _():
    sc, _ = make(932, 4, 4, heads=2, m=6, mask="causal")
    sc["sinks"] = [2.0, -1.0]
    return sc


@case("mask_fill_1e9_fully_masked_row",
      "mask_fill -1e9 with causal bottom-right N=5, M=3: rows 0 and 1 have no key and get uniform weights (not zeros)")
def _():
    return make(941, 5, 4, heads=2, m=3, mask={"causal": "bottom_right"}, mask_fill=-1e9)[0]


@case("mask_fill_small_finite", "mask_fill -2 (masked keys keep real weight), key_valid mask, cross N=4, M=5")
def _():
    return make(942, 4, 4, m=5, mask={"key_valid": [1, 0, 1, 0, 1]}, mask_fill=-2)[0]


@case("mask_fill_neg_inf_explicit", "mask_fill \"-inf\" written out: the default, causal, with an allow row empty")
def _():
    sc, rng = make(943, 5, 4, heads=2, mask_fill="-inf")
    sc["mask"] = rows_with_one(rng, 5, 5, 0.6, force_empty=(3,))
    return sc


@case("precision_fp32", "precision fp32: the float path with fp32 rounding (the reference too), causal, 2 heads")
def _():
    return make(951, 6, 8, heads=2, mask="causal", precision="fp32")[0]


@case("precision_fp16_plain", "precision fp16 on the textbook layer: inputs, Q/K/V, scores, weights, outputs rounded")
def _():
    return make(952, 5, 8, heads=2, precision="fp16")[0]


@case("softcap_fp16", "softcap 5 with precision fp16, scale none, x ~ N(0, 2^2), causal")
def _():
    return make(953, 6, 8, heads=2, x_scale=2.0, scale="none", softcap=5.0, mask="causal", precision="fp16")[0]


@case("precision_bf16_rope", "precision bf16 with RoPE (Q and K rounded after the rotation), 2 heads, d_k=4")
def _():
    return make(954, 6, 8, heads=2, positional="rope", precision="bf16")[0]


@case("precision_fp16_rope_half_gqa", "precision fp16 with RoPE half pairing and kv_heads 1 of 2, causal")
def _():
    sc, rng = make(955, 5, 8, heads=2, positional={"rope": {"base": 500, "pairing": "half"}}, mask="causal",
                   precision="fp16")
    return with_kv(sc, rng, 1)


@case("overflow_fp16_unscaled",
      "precision fp16, x ~ N(0, 100^2), identity weights, scale none: q.k passes 65504, those scores are inf and their rows NaN")
def _():
    return make(956, 4, 4, x_scale=100.0, weights=False, biases=False, scale="none", precision="fp16")[0]


@case("overflow_bf16",
      "precision bf16, x ~ N(0, (1e19)^2), identity weights, scale none: q.k passes bf16's 3.39e38, rows with an inf are NaN")
def _():
    return make(957, 4, 4, x_scale=1e19, weights=False, biases=False, scale="none", precision="bf16")[0]


@case("all_variants_fp16",
      "every variant at once: kv_heads 2 of 4, alibi, softcap 3, sinks, mask_fill -1e9, fp16, cross N=5, M=6, bottom-right")
def _():
    sc, rng = make(958, 5, 8, heads=4, m=6, mask={"causal": "bottom_right", "window": 4}, alibi=True, softcap=3.0,
                   mask_fill=-1e9, precision="fp16")
    sc["sinks"] = rng.vec(4, 1.0)
    return with_kv(sc, rng, 2)


@case("all_variants_float64",
      "kv_heads 1 of 3, alibi, softcap 4, sinks, finite fill -30, RoPE, causal top-left, in float64")
def _():
    sc, rng = make(959, 6, 6, heads=3, mask="causal", alibi=True, softcap=4.0, mask_fill=-30, positional="rope")
    sc["sinks"] = rng.vec(3, 1.0)
    return with_kv(sc, rng, 1)


# ----------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------

def to_plain(t):
    if isinstance(t, torch.Tensor):
        t = t.tolist()
    elif isinstance(t, np.ndarray):
        t = t.tolist()
    if isinstance(t, list):
        return [to_plain(v) for v in t]
    if isinstance(t, float):
        if not math.isfinite(t):
            return None  # an overflow the case is about (JSON has no inf or NaN)
        return 0.0 if t == 0.0 else t
    return t


def dumps(obj, ind=0):
    """JSON with one matrix row per line."""
    pad = "  " * (ind + 1)
    if isinstance(obj, dict):
        items = [pad + json.dumps(k) + ": " + dumps(v, ind + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * ind + "}"
    if isinstance(obj, list) and obj and all(isinstance(v, (list, dict)) for v in obj):
        return "[\n" + ",\n".join(pad + dumps(v, ind + 1) for v in obj) + "\n" + "  " * ind + "]"
    return json.dumps(obj, allow_nan=False)


def main():
    os.makedirs(CASES_DIR, exist_ok=True)
    for f in os.listdir(CASES_DIR):
        if f.endswith(".json"):
            os.remove(os.path.join(CASES_DIR, f))
    names = set()
    worst_naive = 0.0
    worst_mha = 0.0
    n_mha = 0
    for name, description, fn, mha in CASES:
        assert name not in names, name
        names.add(name)
        sc = fn()
        # the scenario must survive a JSON round trip exactly
        sc = json.loads(json.dumps(sc, allow_nan=False))
        ref = reference(sc)

        d = compare(ref, naive(sc))
        assert d < naive_tolerance(sc), f"{name}: reference vs naive differ by {d}"
        worst_naive = max(worst_naive, d)

        if mha is not None:
            disallow, padding = mha(sc)
            got = run_mha(sc, disallow, padding)
            d = max_diff(ref["output"], got["output"])
            for hh, head in enumerate(ref["heads"]):
                d = max(d, max_diff(head["weights"], got["weights"][hh]))
            assert d < MHA_TOL, f"{name}: reference vs nn.MultiheadAttention differ by {d}"
            worst_mha = max(worst_mha, d)
            n_mha += 1

        for head in ref["heads"]:
            w = head["weights"]
            assert torch.isfinite(w).all() or name.startswith("overflow_"), name
        expected = {
            "output": to_plain(ref["output"]),
            "concat": to_plain(ref["concat"]),
            "heads": [{k: to_plain(head[k]) for k in ("q", "k", "v", "scores", "scaled", "weights", "output")}
                      for head in ref["heads"]],
            "empty_rows": ref["empty_rows"],
        }
        doc = {"name": name, "description": description, "scenario": sc, "expected": expected}
        with open(os.path.join(CASES_DIR, name + ".json"), "w") as fh:
            fh.write(dumps(doc) + "\n")
    print(f"golden: wrote {len(CASES)} cases to {os.path.relpath(CASES_DIR)} "
          f"(torch {torch.__version__} float64; max rel diff vs loops {worst_naive:.1e}, "
          f"vs nn.MultiheadAttention {worst_mha:.1e} over {n_mha} cases)")


if __name__ == "__main__":
    sys.exit(main())
