#!/usr/bin/python3
"""Generate the golden gradient cases in tests/golden/grad_cases/.

Run with Debian's python3 (python3-torch 1.13):

    /usr/bin/python3 tests/golden/generate_grad.py

Every case is one JSON file NAME.json:

    {"name", "description", "scenario": <SPEC section 1 scenario, with "d_output" unless it is all ones>,
     "expected": {"d_x", "d_w_q", "d_w_k", "d_w_v", "d_w_o", "d_b_q", "d_b_k", "d_b_v", "d_b_o",
                  "d_context_x" (cross-attention), "d_learned" (learned positions)}}

The gradients are those of L = sum(output * G), G = the scenario's d_output (all ones when absent), taken
by torch.autograd in float64 through a differentiable copy of SPEC section 1 built on the forward
generator's own pieces (generate.py: sinusoidal table, RoPE, masks, scale). Where torch.nn.MultiheadAttention
can express the case, its autograd gradients must agree to 1e-12 before anything is written (a second,
independent forward). Deterministic: a fixed seed per case; rewrites grad_cases/ from scratch.
"""

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate as fwd  # noqa: E402  (the forward generator's scenario builder and SPEC pieces)

torch.set_default_dtype(torch.float64)
CASES_DIR = os.path.join(HERE, "grad_cases")
MHA_TOL = 1e-12

# ----------------------------------------------------------------------------------------------
# The layer as a function of leaf tensors
# ----------------------------------------------------------------------------------------------


def leaves(sc):
    """Every input the gradients are taken with respect to, as float64 leaf tensors."""
    n, m, d, h, dk, dv = fwd.dims(sc)
    t = {
        "x": fwd.T(sc["x"]),
        "w_q": fwd.weight_or_identity(sc, "w_q", d, h * dk),
        "w_k": fwd.weight_or_identity(sc, "w_k", d, h * dk),
        "w_v": fwd.weight_or_identity(sc, "w_v", d, h * dv),
        "w_o": fwd.weight_or_identity(sc, "w_o", h * dv, d),
        "b_q": fwd.bias_or_zero(sc, "b_q", h * dk),
        "b_k": fwd.bias_or_zero(sc, "b_k", h * dk),
        "b_v": fwd.bias_or_zero(sc, "b_v", h * dv),
        "b_o": fwd.bias_or_zero(sc, "b_o", d),
    }
    if "context" in sc:
        t["context_x"] = fwd.T(sc["context"]["x"])
    pos = sc.get("positional", "none")
    if isinstance(pos, dict) and "learned" in pos:
        t["learned"] = fwd.T(pos["learned"])
    for v in t.values():
        v.requires_grad_(True)
    return t


def layer(sc, t):
    """SPEC section 1, steps 1-6, differentiable in every leaf of t. Masked scores are -inf; a row with
    no allowed key is replaced by a constant before the softmax and its weights by zeros after it, so it
    passes no gradient (torch's softmax of an all -inf row is NaN)."""
    n, m, d, h, dk, dv = fwd.dims(sc)
    x, c = t["x"], t.get("context_x")
    pos = sc.get("positional", "none")
    if pos == "sinusoidal":
        x = x + fwd.sinusoidal_table(n, d)
        if c is not None:
            c = c + fwd.sinusoidal_table(m, d)
    elif "learned" in t:
        x = x + t["learned"][:n]
        if c is not None:
            c = c + t["learned"][:m]
    if c is None:
        c = x
    Q = x @ t["w_q"] + t["b_q"]
    K = c @ t["w_k"] + t["b_k"]
    V = c @ t["w_v"] + t["b_v"]
    rope = fwd.rope_params(pos)
    allowed = fwd.mask_torch(sc.get("mask", "none"), n, m)
    empty = ~allowed.any(dim=1)
    s = fwd.scale_value(sc, dk)
    outs = []
    for hh in range(h):
        q = Q[:, hh * dk:(hh + 1) * dk]
        k = K[:, hh * dk:(hh + 1) * dk]
        v = V[:, hh * dv:(hh + 1) * dv]
        if rope is not None:
            q, k = fwd.rope_torch(q, *rope), fwd.rope_torch(k, *rope)
        scaled = torch.where(allowed, s * (q @ k.T), torch.tensor(float("-inf")))
        scaled = torch.where(empty[:, None], torch.zeros(()), scaled)
        w = torch.where(empty[:, None], torch.zeros(()), torch.softmax(scaled, dim=-1))
        outs.append(w @ v)
    return torch.cat(outs, dim=1) @ t["w_o"] + t["b_o"]


def output_gradient(sc):
    n, _, d, _, _, _ = fwd.dims(sc)
    return fwd.T(sc["d_output"]) if "d_output" in sc else torch.ones(n, d)


def autograd(sc):
    t = leaves(sc)
    (layer(sc, t) * output_gradient(sc)).sum().backward()
    g = {"d_" + name: v.grad for name, v in t.items()}
    for name, v in g.items():
        assert v is not None and torch.isfinite(v).all(), name
    return g


def mha_autograd(sc, attn_disallow=None, key_padding=None):
    """The same gradients through torch.nn.MultiheadAttention (every weight and bias given, d_k = d/h)."""
    n, m, d, h, dk, dv = fwd.dims(sc)
    assert dk * h == d and dv == dk and sc.get("positional", "none") == "none"
    mha = torch.nn.MultiheadAttention(d, h, bias=True, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # our w_q is torch's W_q transposed (torch computes x W^T + b)
        mha.in_proj_weight.copy_(torch.cat([fwd.T(sc["w_q"]).T, fwd.T(sc["w_k"]).T, fwd.T(sc["w_v"]).T], dim=0))
        mha.in_proj_bias.copy_(torch.cat([fwd.T(sc["b_q"]), fwd.T(sc["b_k"]), fwd.T(sc["b_v"])]))
        mha.out_proj.weight.copy_(fwd.T(sc["w_o"]).T)
        mha.out_proj.bias.copy_(fwd.T(sc["b_o"]))
    x = fwd.T(sc["x"]).requires_grad_(True)
    c = fwd.T(sc["context"]["x"]).requires_grad_(True) if "context" in sc else None
    kv = x if c is None else c
    out, _ = mha(x[None], kv[None], kv[None], need_weights=False, attn_mask=attn_disallow,
                 key_padding_mask=None if key_padding is None else key_padding[None])
    (out[0] * output_gradient(sc)).sum().backward()
    W, B = mha.in_proj_weight.grad, mha.in_proj_bias.grad
    g = {"d_x": x.grad, "d_w_q": W[:d].T, "d_w_k": W[d:2 * d].T, "d_w_v": W[2 * d:].T,
         "d_w_o": mha.out_proj.weight.grad.T, "d_b_q": B[:d], "d_b_k": B[d:2 * d], "d_b_v": B[2 * d:],
         "d_b_o": mha.out_proj.bias.grad}
    if c is not None:
        g["d_context_x"] = c.grad
    return g


# ----------------------------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------------------------

CASES = []  # (name, description, scenario function, mha): mha maps a scenario to (attn_disallow, key_padding)


def case(name, description, mha=None):
    return lambda fn: CASES.append((name, description, fn, mha)) or fn


def with_g(sc, rng):
    """A random G (d_output) of N x d_model, so every output cell weighs differently."""
    n, _, d, _, _, _ = fwd.dims(sc)
    sc["d_output"] = rng.mat(n, d)
    return sc


def causal_disallow(n, m):
    return ~fwd.mask_torch("causal", n, m)


@case("self_plain", "self-attention N=5, d_model=6, h=2, random weights, biases and G", mha=lambda sc: (None, None))
def _():
    return with_g(*fwd.make(2001, 5, 6, heads=2))


@case("self_g_ones", "N=4, d_model=4, one head, no d_output: G is all ones", mha=lambda sc: (None, None))
def _():
    return fwd.make(2002, 4, 4)[0]


@case("causal_self", "mask \"causal\", N=6, d_model=4, h=2", mha=lambda sc: (causal_disallow(6, 6), None))
def _():
    return with_g(*fwd.make(2003, 6, 4, heads=2, mask="causal"))


@case("cross_m_gt_n", "cross-attention N=3 queries, M=7 context tokens, d_model=6, h=2: d_context_x",
      mha=lambda sc: (None, None))
def _():
    return with_g(*fwd.make(2004, 3, 6, heads=2, m=7))


@case("cross_bottom_right_empty_rows",
      "cross-attention N=6, M=4, causal bottom-right: rows 0 and 1 see no key and pass no gradient")
def _():
    return with_g(*fwd.make(2005, 6, 4, heads=2, m=4, mask={"causal": "bottom_right"}))


@case("dk_dv_differ", "d_model=6, h=2, d_k=4, d_v=3 (d_k != d_model/h), causal")
def _():
    return with_g(*fwd.make(2006, 5, 6, heads=2, d_k=4, d_v=3, mask="causal"))


@case("dk_dv_differ_cross", "cross-attention N=4, M=5, d_model=5, h=3, d_k=2, d_v=4")
def _():
    return with_g(*fwd.make(2007, 4, 5, heads=3, m=5, d_k=2, d_v=4))


@case("identity_weights_biases", "every weight defaulted (identity-like), explicit biases, h=3, d_model=6")
def _():
    return with_g(*fwd.make(2008, 5, 6, heads=3, weights=False, b_scale=0.5))


@case("learned_self", "learned positions, table of 7 rows for N=5 (rows 5 and 6 get zero gradient), h=3")
def _():
    sc, rng = fwd.make(2009, 5, 6, heads=3)
    sc["positional"] = {"learned": rng.mat(7, 6, 0.5)}
    return with_g(sc, rng)


@case("learned_cross", "learned positions on cross-attention N=5, M=3: rows 0..2 gather both sequences' gradients")
def _():
    sc, rng = fwd.make(2010, 5, 4, heads=2, m=3)
    sc["positional"] = {"learned": rng.mat(5, 4, 0.5)}
    return with_g(sc, rng)


@case("sinusoidal_self", "sinusoidal positions (constants: d_x = d_x_in), N=6, d_model=8, h=2, causal")
def _():
    return with_g(*fwd.make(2011, 6, 8, heads=2, positional="sinusoidal", mask="causal"))


@case("sinusoidal_cross", "sinusoidal positions on cross-attention N=3, M=6")
def _():
    return with_g(*fwd.make(2012, 3, 6, heads=2, m=6, positional="sinusoidal"))


@case("rope_interleaved", "RoPE, interleaved pairs, base 100, d_k=6, N=7, causal")
def _():
    return with_g(*fwd.make(2013, 7, 12, heads=2, mask="causal",
                            positional={"rope": {"base": 100, "pairing": "interleaved"}}))


@case("rope_half", "RoPE, half pairs (t, t + d_k/2), base 500, d_k=6, N=7")
def _():
    return with_g(*fwd.make(2014, 7, 12, heads=2, positional={"rope": {"base": 500, "pairing": "half"}}))


@case("rope_cross", "RoPE on cross-attention N=3, M=6 (q by 0..2, k by 0..5), bottom-right causal")
def _():
    return with_g(*fwd.make(2015, 3, 8, heads=2, m=6, mask={"causal": "bottom_right"}, positional="rope"))


@case("rope_dk_not_dmodel_over_h", "RoPE half with d_model=5, h=1, d_k=4, d_v=3")
def _():
    return with_g(*fwd.make(2016, 5, 5, d_k=4, d_v=3, positional={"rope": {"base": 200, "pairing": "half"}}))


@case("window_self", "mask {\"window\": 3} on N=8", mha=lambda sc: (~fwd.mask_torch({"window": 3}, 8, 8), None))
def _():
    return with_g(*fwd.make(2017, 8, 4, heads=2, mask={"window": 3}))


@case("key_padding_cross", "mask {\"key_valid\"} on cross-attention N=4, M=6: padded keys pass nothing",
      mha=lambda sc: (None, fwd.T(sc["mask"]["key_valid"]) == 0))
def _():
    sc, rng = fwd.make(2018, 4, 6, heads=2, m=6)
    sc["mask"] = {"key_valid": [1, 0, 1, 1, 0, 1]}
    return with_g(sc, rng)


@case("allow_empty_rows", "allow matrix with two fully masked rows (zero gradient through them), h=3, b_o")
def _():
    sc, rng = fwd.make(2019, 6, 6, heads=3, b_scale=0.5)
    sc["mask"] = fwd.rows_with_one(rng, 6, 6, force_empty=(1, 4))
    return with_g(sc, rng)


@case("all_rows_empty", "key_valid all 0: every row is empty, so only b_o has a gradient (the column sums of G)")
def _():
    sc, rng = fwd.make(2020, 3, 4, heads=2)
    sc["mask"] = {"key_valid": [0, 0, 0]}
    return with_g(sc, rng)


@case("combined_mask_scale", "scale 0.37 with {causal: bottom_right, window: 4, allow, key_valid}, N=6, M=8")
def _():
    sc, rng = fwd.make(2021, 6, 4, heads=2, m=8, scale=0.37)
    sc["mask"] = {"causal": "bottom_right", "window": 4, "allow": fwd.rows_with_one(rng, 6, 8),
                  "key_valid": [1, 1, 0, 1, 1, 1, 0, 1]}
    return with_g(sc, rng)


@case("scale_none", "scale \"none\", h=2, d_model=6")
def _():
    return with_g(*fwd.make(2022, 5, 6, heads=2, scale="none"))


@case("one_token", "N=1 (the weight is 1: only the value path carries gradient), sinusoidal")
def _():
    return with_g(*fwd.make(2023, 1, 3, positional="sinusoidal"))


@case("tokens_33", "N=33, d_model=8, h=2, window 5, RoPE")
def _():
    return with_g(*fwd.make(2024, 33, 8, heads=2, mask={"window": 5}, positional="rope"))


@case("large_magnitude_scores", "x ~ N(0, 20^2), scale \"none\": nearly one-hot rows, tiny softmax gradients")
def _():
    return with_g(*fwd.make(2025, 6, 4, heads=2, x_scale=20.0, scale="none", mask="causal"))


# ----------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------

def max_diff(a, b):
    return float(((a - b).abs() / torch.clamp(b.abs(), min=1.0)).max()) if a.numel() else 0.0


def main():
    os.makedirs(CASES_DIR, exist_ok=True)
    for f in os.listdir(CASES_DIR):
        if f.endswith(".json"):
            os.remove(os.path.join(CASES_DIR, f))
    worst_mha, n_mha = 0.0, 0
    for name, description, fn, mha in CASES:
        sc = json.loads(json.dumps(fn(), allow_nan=False))  # exactly what the file will hold
        g = autograd(sc)
        if mha is not None:
            other = mha_autograd(sc, *mha(sc))
            for key, value in other.items():
                d = max_diff(g[key], value)
                assert d < MHA_TOL, f"{name}: {key} differs from nn.MultiheadAttention's by {d}"
                worst_mha = max(worst_mha, d)
            n_mha += 1
        expected = {key: fwd.to_plain(g[key]) for key in
                    ("d_x", "d_w_q", "d_w_k", "d_w_v", "d_w_o", "d_b_q", "d_b_k", "d_b_v", "d_b_o")}
        if "d_context_x" in g:
            expected["d_context_x"] = fwd.to_plain(g["d_context_x"])
        if "d_learned" in g:
            expected["d_learned"] = fwd.to_plain(g["d_learned"])
        doc = {"name": name, "description": description, "scenario": sc, "expected": expected}
        with open(os.path.join(CASES_DIR, name + ".json"), "w") as fh:
            fh.write(fwd.dumps(doc) + "\n")
    print(f"golden gradients: wrote {len(CASES)} cases to {os.path.relpath(CASES_DIR)} "
          f"(torch {torch.__version__} float64 autograd; max rel diff vs nn.MultiheadAttention {worst_mha:.1e} "
          f"over {n_mha} cases)")


if __name__ == "__main__":
    sys.exit(main())
