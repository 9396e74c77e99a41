#!/usr/bin/env python3
"""The bench workloads in PyTorch, for side-by-side rows on the same machine (not run by CI).

    python3 tooling/bench/pytorch/peers.py [--threads N] [workload ...]

Workloads as in tooling/bench (see its README): sine-rnn, char-lstm, char-gru-b1, generate.
Prints one row per workload in the bench's table format. Needs torch and numpy.
"""
import argparse
import math
import os
import time

# numpy only prepares the data here; its OpenBLAS threads otherwise stay alive and busy beside
# PyTorch's (MKL/OpenMP) threads: on the 2-core machine PyTorch's char-lstm on 2 threads ran at
# 63,000-76,000 chars/s with them and 64,000-91,000 without, in alternate runs. Set before numpy
# loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHAKESPEARE = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "tinyshakespeare.txt")


def row(workload, metric, value, unit, notes=""):
    print(f"| {workload} | pytorch ({torch.get_num_threads()}t) | {metric} | {value:.4g} | {unit} | {notes} |")


def sine_rnn():
    y = np.sin(np.linspace(0, 100, 2000)).astype(np.float32)
    W = 50
    xs = np.stack([y[i : i + W] for i in range(len(y) - W)])[:, :, None]
    ts = y[W:][:, None]
    x, t = torch.from_numpy(xs), torch.from_numpy(ts)

    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = torch.nn.RNN(1, 32, batch_first=True)
            self.head = torch.nn.Linear(32, 1)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1])

    torch.manual_seed(0)
    m = M()
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    g = torch.Generator().manual_seed(0)
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(m(x[idx]), t[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    with torch.no_grad():
        mse = torch.nn.functional.mse_loss(m(x), t).item()
    row("sine-rnn", "train time per epoch (median of 20)", float(np.median(times)), "s/epoch", f"finalTrainMse={mse:.4g}")


def text_ids():
    text = open(SHAKESPEARE, encoding="utf-8").read()
    chars = sorted(set(text))
    lut = {c: i for i, c in enumerate(chars)}
    return np.array([lut[c] for c in text], dtype=np.int64), len(chars)


class CharModel(torch.nn.Module):
    def __init__(self, V, E, H, cell, layers=1):
        super().__init__()
        self.emb = torch.nn.Embedding(V, E)
        self.rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(E, H, layers, batch_first=True)
        self.head = torch.nn.Linear(H, V)

    def forward(self, x, state=None):
        out, state = self.rnn(self.emb(x), state)
        return self.head(out), state


def train_chars(name, V_ids, cell, E, H, layers, B, T, lr, warmup, measure):
    ids, V = V_ids
    torch.manual_seed(0)
    m = CharModel(V, E, H, cell, layers)
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    rng = np.random.default_rng(0)
    state = None
    stamps = []
    for step in range(warmup + measure + 1):
        starts = rng.integers(0, len(ids) - T - 1, size=B)
        xb = torch.from_numpy(np.stack([ids[s : s + T] for s in starts]))
        yb = torch.from_numpy(np.stack([ids[s + 1 : s + T + 1] for s in starts]))
        opt.zero_grad()
        logits, _ = m(xb, state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), yb.reshape(-1))
        loss.backward()
        opt.step()
        stamps.append(time.perf_counter())
    secs = stamps[warmup + measure] - stamps[warmup]
    row(name, "training throughput", measure * B * T / secs, "chars/s", f"msPerStep={secs / measure * 1000:.4g}")


def generate(V_ids):
    _, V = V_ids
    torch.manual_seed(0)
    m = CharModel(V, 128, 128, "lstm").eval()
    g = torch.Generator().manual_seed(42)
    times = []
    with torch.no_grad():
        for _ in range(5):
            t0 = time.perf_counter()
            tok, state = torch.tensor([[0]]), None
            for _ in range(500):
                logits, state = m(tok, state)
                p = torch.softmax(logits[0, -1], -1)
                tok = torch.multinomial(p, 1, generator=g).view(1, 1)
            times.append(time.perf_counter() - t0)
    row("generate", "sampling throughput (500 chars, batch 1, eager)", 500 / float(np.median(times)), "chars/s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("workloads", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    todo = a.workloads or ["sine-rnn", "char-lstm", "char-gru-b1", "generate"]
    data = text_ids() if set(todo) - {"sine-rnn"} else None
    for w in todo:
        if w == "sine-rnn":
            sine_rnn()
        elif w == "char-lstm":
            train_chars("char-lstm", data, "lstm", 128, 128, 1, 32, 64, 2e-3, 3, 20)
        elif w == "char-gru-b1":
            train_chars("char-gru-b1", data, "gru", 256, 256, 2, 1, 100, 1e-3, 3, 10)
        elif w == "generate":
            generate(data)
        else:
            raise SystemExit(f"unknown workload {w}")


if __name__ == "__main__":
    main()
