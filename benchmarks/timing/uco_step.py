"""Time of one training step: DDC vs DDC-UCO_N vs DDC-UCO_T, and what dominates UCO_T.

One step = forward, all loss terms, backward, gradient clipping and an Adam update of the
small CNN + DDC head on a batch of 28x28 images (the UCO paper's setting: batch 120). Every
variant runs the same network from the same seed on the same batches; the median over
``--steps`` timed steps (after ``--warmup`` untimed ones) is reported, and the ratio to the
DDC step. ``--profile`` adds ``torch.profiler``'s table of the operators that dominate one
DDC-UCO_T step.

Usage::

    python benchmarks/run.py timing uco_step [--device cpu|cuda] [--batch 120] [--profile]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
from _clock import sync

from skdeepclust import DDC
from skdeepclust._compare import load_dataset
from skdeepclust.nn.ddc import DDCNetwork, DDCObjective

VARIANTS = {"DDC": None, "DDC-UCO_N": "naive", "DDC-UCO_T": "tensor"}


def make_step(uco_kernel, n_clusters, device):
    """A closure running one optimisation step on a batch, and its network."""
    estimator = DDC(n_clusters, encoder="cnn", uco_kernel=uco_kernel)
    estimator.input_shape_ = (1, 28, 28)
    torch.manual_seed(0)
    module_kwargs = estimator._module_kwargs()
    module = DDCNetwork(**module_kwargs).to(device)
    objective = DDCObjective(**estimator._objective_kwargs(module_kwargs))
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-4)
    module.train()

    def step(batch):
        optimizer.zero_grad()
        loss = sum(objective(module(batch), batch).values())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(module.parameters(), 10.0)
        optimizer.step()

    return step


def time_steps(step, batches, warmup, device):
    times = []
    for i, batch in enumerate(batches):
        sync(device)
        start = time.perf_counter()
        step(batch)
        sync(device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch", type=int, default=120)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    data = load_dataset("mnist5k")
    X = torch.as_tensor(data.X[: args.batch * (args.steps + args.warmup)], device=args.device)
    batches = list(X.split(args.batch))
    seconds = {}
    for name, kernel in VARIANTS.items():
        step = make_step(kernel, data.n_clusters, args.device)
        seconds[name] = time_steps(step, batches, args.warmup, args.device)
        print(f"{name}: {seconds[name] * 1e3:.1f} ms/step, "
              f"ratio to DDC {seconds[name] / seconds['DDC']:.2f}", flush=True)
    machine = platform.processor() or platform.machine()
    print(f"| {args.device} | {args.batch} | "
          + " | ".join(f"{seconds[n] * 1e3:.0f} ms" for n in VARIANTS)
          + f" | {seconds['DDC-UCO_T'] / seconds['DDC']:.1f} | {machine}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__} |")
    if args.profile:
        step = make_step("tensor", data.n_clusters, args.device)
        step(batches[0])
        activities = [torch.profiler.ProfilerActivity.CPU]
        if args.device.startswith("cuda"):
            activities.append(torch.profiler.ProfilerActivity.CUDA)
        with torch.profiler.profile(activities=activities) as prof:
            step(batches[1])
        sort = "cuda_time_total" if args.device.startswith("cuda") else "self_cpu_time_total"
        print(prof.key_averages().table(sort_by=sort, row_limit=15))


if __name__ == "__main__":
    main()
