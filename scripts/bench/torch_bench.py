#!/usr/bin/python3
"""Times PyTorch (Debian's python3-torch 1.13, CPU, one thread) on the benchmark's attention layer: the
same shapes as `attention-cli bench` (Q, K, V, W_O projections, h heads, scale 1/sqrt(d_k), row softmax).
Prints one JSON line like `attention-cli bench`.
Usage: torch_bench.py N D_MODEL HEADS [--repeat R] [--warmup W] [--mode layer|attention]"""
import json
import math
import sys
import time

import torch


def status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    n, d, heads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    opt = {"repeat": "5", "warmup": "1", "mode": "layer"}
    rest = sys.argv[4:]
    for i in range(0, len(rest), 2):
        opt[rest[i].lstrip("-")] = rest[i + 1]
    repeat, warmup, mode = int(opt["repeat"]), int(opt["warmup"]), opt["mode"]
    torch.set_num_threads(1)
    torch.manual_seed(1)
    dk = d // heads
    x = torch.randn(n, d)
    w_q, w_k, w_v, w_o = (torch.randn(d, d) / math.sqrt(d) for _ in range(4))
    q0, k0, v0 = torch.randn(n, d), torch.randn(n, d), torch.randn(n, d)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status_mib("VmRSS:")

    def attention(q, k, v):
        q = q.view(n, heads, dk).transpose(0, 1)       # (h, N, dk)
        k = k.view(n, heads, dk).transpose(0, 1)
        v = v.view(n, heads, dk).transpose(0, 1)
        weights = torch.softmax((q @ k.transpose(1, 2)) * (1.0 / math.sqrt(dk)), dim=-1)  # (h, N, N)
        return (weights @ v).transpose(0, 1).reshape(n, d)

    def layer():
        return attention(x @ w_q, x @ w_k, x @ w_v) @ w_o

    run = layer if mode == "layer" else (lambda: attention(q0, k0, v0))
    with torch.no_grad():
        for _ in range(warmup):
            run()
        ms = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run()
            ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    median = ms[len(ms) // 2]
    flops = 8 * n * d * d + 4 * n * n * d if mode == "layer" else 4 * n * n * d
    print(json.dumps({"backend": "pytorch cpu", "n": n, "d_model": d, "heads": heads, "mode": mode,
                      "ms_median": median, "gflops": flops / (median * 1e6), "max_rel_err": None,
                      "peak_extra_mib": status_mib("VmHWM:") - before, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
