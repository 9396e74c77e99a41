#!/usr/bin/env python3
"""The bench workloads in PyTorch, for side-by-side rows on the same machine (not run by CI).

    python3 tooling/bench/pytorch/peers.py [--threads N] [workload ...]
    python3 tooling/bench/pytorch/peers.py [--threads N] sweep [--hidden 128,256] [--seq 64] [--batch 32] [--budget 5]
    python3 tooling/bench/pytorch/peers.py [--threads N] sweep-point --hidden H --seq T --batch B [--budget 5]

Workloads as in tooling/bench (see its README): sine-rnn, char-lstm, char-gru-b1, generate.
Prints one row per workload in the bench's table format. Needs torch and numpy.

`sweep` is the bench's scaling sweep (tooling/bench/src/sweep.ts) on PyTorch alone: the char-lstm
model over a grid of hidden size x sequence length x batch, each point in a process of its own
(`sweep-point`) so that its peak resident set is its own. `sweep-point` prints one line,
`SWEEP_RESULT {json}`, which the bench's sweep reads to put PyTorch beside rnnkit.
"""
import argparse
import json
import math
import os
import resource
import subprocess
import sys
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


# The sweep's grid and model, as in tooling/bench/src/sweep/grid.ts.
SWEEP_GRID = {"hidden": [128, 256, 512, 1024], "seq": [64, 256, 1024], "batch": [1, 32, 128]}
SWEEP_EMBEDDING = 128
RESULT_PREFIX = "SWEEP_RESULT "


def sweep_point(data, H, T, B, budget, warmup, min_steps):
    """Trains the char-lstm model at one grid point: `warmup` steps, then timed steps until
    `budget` seconds have passed (at least `min_steps`), as the bench's point-child does."""
    ids, V = data
    torch.manual_seed(0)
    m = CharModel(V, SWEEP_EMBEDDING, H, "lstm")
    opt = torch.optim.Adam(m.parameters(), lr=2e-3)
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    step, t0, c0, timed = 0, None, None, 0
    while True:
        starts = rng.integers(0, len(ids) - T - 1, size=B)
        xb = torch.from_numpy(np.stack([ids[s : s + T] for s in starts]))
        yb = torch.from_numpy(np.stack([ids[s + 1 : s + T + 1] for s in starts]))
        opt.zero_grad()
        logits, _ = m(xb)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), yb.reshape(-1))
        loss.backward()
        opt.step()
        # rnnkit's Trainer reads every step's loss too
        last = loss.item()
        step += 1
        now = time.perf_counter()
        if step == warmup:
            t0, c0 = now, time.process_time()
        elif step > warmup:
            timed = step - warmup
            elapsed = now - t0
            # stop once the minimum is timed and the next step would end past the budget
            if timed >= min_steps and elapsed + elapsed / timed > budget:
                break
    seconds = now - t0
    return {
        "runner": "pytorch",
        "threads": torch.get_num_threads(),
        "hidden": H,
        "seq": T,
        "batch": B,
        "warmup": warmup,
        "steps": timed,
        "seconds": seconds,
        "charsPerSec": timed * B * T / seconds,
        "warmupSeconds": t0 - started,
        # KiB on Linux
        "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "loss": last if math.isfinite(last) else None,
        "cpuShare": round((time.process_time() - c0) / seconds, 2),
    }


def sizes(option, given):
    """A grid axis from repeatable comma-separated options, the default grid's when none."""
    if not given:
        return SWEEP_GRID[option]
    out = []
    for part in ",".join(given).split(","):
        if not part.strip().isdigit() or int(part) < 1:
            raise SystemExit(f"--{option} takes whole numbers from 1 separated by commas (e.g. --{option} 128,256); got '{','.join(given)}'")
        if int(part) not in out:
            out.append(int(part))
    return out


def sweep_options(ap, single):
    """sweep-point takes one size per axis; sweep takes lists (repeatable, comma-separated)."""
    for axis in ("hidden", "seq", "batch"):
        if single:
            ap.add_argument(f"--{axis}", type=int, required=True)
        else:
            ap.add_argument(f"--{axis}", action="append", default=[])
    ap.add_argument("--budget", type=float, default=5.0)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--min-steps", type=int, default=2)


def sweep(threads, a):
    """Every grid point in a child process (`sweep-point`); one row each."""
    hidden, seq, batch = sizes("hidden", a.hidden), sizes("seq", a.seq), sizes("batch", a.batch)
    print(f"| point | pytorch ({threads}t) chars/s | RSS MiB | steps | seconds |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for H in hidden:
        for T in seq:
            for B in batch:
                cmd = [sys.executable, os.path.abspath(__file__), "--threads", str(threads), "sweep-point",
                       "--hidden", str(H), "--seq", str(T), "--batch", str(B), "--budget", str(a.budget),
                       "--warmup", str(a.warmup), "--min-steps", str(a.min_steps)]
                out = subprocess.run(cmd, capture_output=True, text=True)
                line = next((l for l in out.stdout.splitlines() if l.startswith(RESULT_PREFIX)), None)
                if out.returncode != 0 or line is None:
                    last = (out.stderr.strip().splitlines() or ["no result line"])[-1]
                    print(f"| h{H} s{T} b{B} | failed: {last} | | | |")
                    continue
                r = json.loads(line[len(RESULT_PREFIX) :])
                print(f"| h{H} s{T} b{B} | {r['charsPerSec']:.0f} | {r['maxRssKiB'] / 1024:.0f} | {r['steps']} | {r['seconds']:.2f} |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    first, rest = ap.parse_known_args()
    if rest and rest[0] in ("sweep", "sweep-point"):
        sp = argparse.ArgumentParser(prog=f"peers.py {rest[0]}")
        sweep_options(sp, rest[0] == "sweep-point")
        b = sp.parse_args(rest[1:])
        if rest[0] == "sweep":
            return sweep(first.threads, b)
        torch.set_num_threads(first.threads)
        r = sweep_point(text_ids(), b.hidden, b.seq, b.batch, b.budget, b.warmup, b.min_steps)
        print(RESULT_PREFIX + json.dumps(r), flush=True)
        return
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
