"""The course MNIST CNN trained in PyTorch on the CPU: the reference column of `pnpm bench`.

Same layers, optimizer (Adam, lr 1e-3), batch size (200) and seeded stand-in data as bench/e2e.ts.
Usage: python3 torch_cnn.py SAMPLES THREADS   (prints one JSON line)
"""
import json
import resource
import sys
import time

import torch
from torch import nn


def course_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10),  # softmax is inside the cross-entropy loss
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: getrusage's maxrss survives fork and exec on Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    batch = 200
    model = course_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(samples)
    x = torch.rand(samples + batch, 1, 28, 28, generator=generator) * (torch.rand(samples + batch, 1, 28, 28, generator=generator) > 0.8)
    y = torch.randint(0, 10, (samples + batch,), generator=generator)
    model.train()

    def step(start: int) -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(x[start:start + batch]), y[start:start + batch])
        loss.backward()
        optimizer.step()
        return loss.item()

    step(samples)  # warm-up batch, as in e2e.ts
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    loss = 0.0
    for start in range(0, samples, batch):
        loss = step(start)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    print(json.dumps({
        "model": "cnn", "backend": f"pytorch {torch.__version__} ({threads} thread{'s' if threads > 1 else ''})", "ok": True,
        "batchSize": batch, "samples": samples, "wallSeconds": wall, "cpuSeconds": cpu,
        "samplesPerSecond": samples / wall, "samplesPerCpuSecond": samples / cpu, "finalLoss": loss,
        "peakRssMB": peak_rss_mb(),
    }))


if __name__ == "__main__":
    main()
