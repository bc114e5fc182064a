#!/usr/bin/python3
"""The induction task's model trained by PyTorch on the CPU, one thread: the peer of `attention-cli train`
in scripts/bench/train_bench.mjs (docs/benchmarks.md, "Training").

The same model as src/train/model.hpp: token embedding N(0,1), a learned position table initialised to
sqrt(2) x the sinusoidal encoding, 2 attention layers of SPEC section 1 with biases (causal, 1/sqrt(d_k)),
a residual stream, an unembedding with bias, cross-entropy on the second copy of the pattern; Adam
(lr 1e-2, betas 0.9/0.99, eps 1e-8, no weight decay); batch 16. The data is the same distribution as
src/train/tasks.cpp's `induction` (drawn by torch's generator, all batches before the clock starts, so the
peer is timed on training alone). Prints one JSON line:
  {"peer", "steps", "ms", "steps_per_s", "accuracy" (held-out, after the run), "torch", "threads"}

  /usr/bin/python3 scripts/bench/train_torch.py [--steps 800] [--warmup 20]
"""
import argparse
import json
import math
import time

import torch

V, N, D, H, LAYERS, BATCH = 24, 24, 32, 2, 2, 16
DK = D // H


def induction_example(g):
    k = 4 + int(torch.randint(N // 2 - 5, (1,), generator=g))
    pattern = torch.randperm(V, generator=g)[:k]
    rest = torch.tensor([t for t in range(V) if t not in set(pattern.tolist())])
    filler = rest[torch.randint(len(rest), (N - 2 * k,), generator=g)]
    tokens = torch.cat([filler, pattern, pattern])
    targets = torch.full((N,), -1, dtype=torch.long)
    start = N - 2 * k + k
    targets[start:N - 1] = tokens[start + 1:N]
    return tokens, targets


def batches(g, count, size):
    out = []
    for _ in range(count):
        ex = [induction_example(g) for _ in range(size)]
        out.append((torch.stack([e[0] for e in ex]), torch.stack([e[1] for e in ex])))
    return out


def sinusoidal(p, d):
    pos = torch.arange(p, dtype=torch.float32)[:, None]
    i2 = (torch.arange(d) - torch.arange(d) % 2).to(torch.float32)
    ang = pos / torch.pow(torch.tensor(10000.0), i2 / d)[None, :]
    return torch.where(torch.arange(d) % 2 == 0, torch.sin(ang), torch.cos(ang))


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        P = torch.nn.Parameter
        self.embed = P(torch.randn(V, D))
        self.pos = P(math.sqrt(2.0) * sinusoidal(N, D))
        self.layers = torch.nn.ParameterList()
        for _ in range(LAYERS):
            for rows, cols in [(D, H * DK), (1, H * DK), (D, H * DK), (1, H * DK), (D, H * DK), (1, H * DK),
                               (H * DK, D), (1, D)]:
                w = torch.randn(rows, cols) / math.sqrt(rows) if rows > 1 else torch.zeros(rows, cols)
                self.layers.append(P(w))
        self.unembed = P(torch.randn(D, V) / math.sqrt(D))
        self.unembed_bias = P(torch.zeros(V))
        self.register_buffer("causal", torch.tril(torch.ones(N, N, dtype=torch.bool)))

    def forward(self, tokens):
        b = tokens.shape[0]
        x = self.embed[tokens] + self.pos  # B x N x D
        for layer in range(LAYERS):
            wq, bq, wk, bk, wv, bv, wo, bo = self.layers[8 * layer:8 * layer + 8]
            heads = lambda t: t.view(b, N, H, DK).transpose(1, 2)  # noqa: E731  (B x H x N x d_k)
            q, k, v = heads(x @ wq + bq), heads(x @ wk + bk), heads(x @ wv + bv)
            s = (q @ k.transpose(-1, -2)) / math.sqrt(DK)
            w = torch.softmax(s.masked_fill(~self.causal, float("-inf")), dim=-1)
            o = (w @ v).transpose(1, 2).reshape(b, N, H * DK)
            x = x + o @ wo + bo
        return x @ self.unembed + self.unembed_bias


def accuracy(model, data):
    right = total = 0
    with torch.no_grad():
        for tokens, targets in data:
            pred = model(tokens).argmax(-1)
            m = targets >= 0
            right += int((pred[m] == targets[m]).sum())
            total += int(m.sum())
    return right / total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--warmup", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(1)
    train = batches(g, a.warmup + a.steps, BATCH)
    held_out = batches(g, 4, BATCH)
    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, betas=(0.9, 0.99), eps=1e-8)

    def step(tokens, targets):
        opt.zero_grad(set_to_none=True)
        logits = model(tokens)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=-1)
        loss.backward()
        opt.step()

    for tokens, targets in train[:a.warmup]:
        step(tokens, targets)
    start = time.perf_counter()
    for tokens, targets in train[a.warmup:]:
        step(tokens, targets)
    ms = (time.perf_counter() - start) * 1000
    print(json.dumps({"peer": "pytorch-cpu", "steps": a.steps, "ms": ms, "steps_per_s": a.steps / (ms / 1000),
                      "accuracy": accuracy(model, held_out), "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
