"""PyTorch mirror of `miniResnet` on Fashion-MNIST: the outside reference for `pnpm bench -- --task fashion`.

Same blocks (3x3 stem, stages 16/32/64 of two basic residual blocks, 1x1 strided projections, global
average pooling), Keras' batch-norm settings (eps 1e-3, momentum 0.99 = PyTorch's 0.01), He-normal
convolutions and a Glorot-uniform classifier, Adam (eps 1e-7, as tfjs), batch 128, +-2 px shifts and
left-right flips drawn per image. Reads Debian's dataset-fashion-mnist; prints test accuracy per epoch.

    python3 bench/torch_fashion.py --epochs 13 --schedule cosine --lr 0.002   # the bench's default recipe
    python3 bench/torch_fashion.py --epochs 8 --schedule exp --lr 0.001 --decay 0.72
    python3 bench/torch_fashion.py --epochs 16 --init tfjs-stock   # tfjs' heNormal, 0.88x the He spread
    python3 bench/torch_fashion.py --epochs 16 --init keras --padding tf   # miniResnet before 2026-12-04
    python3 bench/torch_fashion.py --epochs 16 --init keras --label-smoothing 0.1 --out ls.json   # recipe probes
"""
import argparse
import gzip
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DATA = '/usr/share/datasets/fashion-mnist/'


def read_images(name: str) -> np.ndarray:
    with gzip.open(DATA + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255


def read_labels(name: str) -> np.ndarray:
    with gzip.open(DATA + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)


def batch_norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)


class TfSamePadConv(nn.Conv2d):
    """A strided 3x3 convolution padded as TensorFlow's 'same' pads an even-sized input: one row and column at the
    bottom and right only, which centres its outputs one pixel off the strided 1x1 shortcut (miniResnet before
    2026-12-04)."""

    def forward(self, x):
        return super().forward(F.pad(x, (0, 1, 0, 1)))


class Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, padding: str = 'centred'):
        super().__init__()
        conv1 = TfSamePadConv(cin, cout, 3, stride, 0, bias=False) if stride > 1 and padding == 'tf' else nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.conv1, self.bn1 = conv1, batch_norm(cout)
        self.conv2, self.bn2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), batch_norm(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), batch_norm(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.proj is None else self.proj(x)))


TRUNCATED_NORMAL_STD = 0.87962566103423978  # std of a unit normal truncated at +-2


def he_init(weight: torch.Tensor, kind: str) -> None:
    """'normal': PyTorch's kaiming_normal_; 'keras': Keras he_normal (truncated at 2 std, widened so the spread
    stays sqrt(2 / fan_in)), what miniResnet uses; 'tfjs-stock': tfjs' heNormal, truncated without widening."""
    std = math.sqrt(2 / nn.init._calculate_correct_fan(weight, 'fan_in'))
    if kind == 'normal':
        nn.init.kaiming_normal_(weight, nonlinearity='relu')
        return
    if kind == 'keras':
        std /= TRUNCATED_NORMAL_STD
    nn.init.trunc_normal_(weight, std=std, a=-2 * std, b=2 * std)


def mini_resnet(filters: list[int], blocks: int, init: str = 'normal', padding: str = 'centred') -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(1, filters[0], 3, 1, 1, bias=False), batch_norm(filters[0]), nn.ReLU()]
    channels = filters[0]
    for stage, width in enumerate(filters):
        for block in range(blocks):
            layers.append(Block(channels, width, 2 if stage > 0 and block == 0 else 1, padding))
            channels = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            he_init(m.weight, init)
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, default=13)
    p.add_argument('--schedule', choices=['cosine', 'exp'], default='cosine')
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--optimizer', choices=['adam', 'sgd'], default='adam', help='sgd: Nesterov momentum (--momentum), as tf.train.momentum(lr, m, true)')
    p.add_argument('--momentum', type=float, default=0.9)
    p.add_argument('--decay', type=float, default=0.72, help='per-epoch factor of --schedule exp')
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--shift', type=int, default=2)
    p.add_argument('--no-flip', action='store_true')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--init', choices=['normal', 'keras', 'tfjs-stock'], default='normal', help='convolution init, see he_init')
    p.add_argument('--padding', choices=['centred', 'tf'], default='centred', help="strided 3x3 convolutions: 1 on every side, or TensorFlow 'same' (bottom/right only)")
    p.add_argument('--threads', type=int, default=1, help='1 matches tfjs wasm under Node')
    p.add_argument('--label-smoothing', type=float, default=0.0, help='cross-entropy against (1 - e) one-hot + e / 10')
    p.add_argument('--cutout', type=float, default=0.0, help='side of an erased square as a fraction of 28, centred on a uniform pixel, clipped')
    p.add_argument('--cutout-probability', type=float, default=0.5)
    p.add_argument('--l2', type=float, default=0.0, help="Keras l2(r) on the convolution and Dense kernels: r * sum(w^2) added to the loss")
    p.add_argument('--loss', choices=['logits', 'tfjs'], default='logits', help="tfjs: cross-entropy as tfjs-layers computes it from the softmax output (renormalised, clipped to [1e-7, 1 - 1e-7], log)")
    p.add_argument('--out', help='write per-epoch test accuracy as JSON here')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    x_train, y_train = read_images('train-images-idx3-ubyte.gz'), read_labels('train-labels-idx1-ubyte.gz')
    x_test, y_test = torch.from_numpy(read_images('t10k-images-idx3-ubyte.gz')), torch.from_numpy(read_labels('t10k-labels-idx1-ubyte.gz'))
    net = mini_resnet([16, 32, 64], 2, args.init, args.padding)
    print('trainable parameters', sum(q.numel() for q in net.parameters()), vars(args), flush=True)
    kernels = [m.weight for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    if args.optimizer == 'sgd':
        optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum, nesterov=True)
    else:
        optimizer = torch.optim.Adam(net.parameters(), lr=args.lr, eps=1e-7)
    # Per-epoch factors, as the tfjs bench sets the learning rate at the start of each epoch.
    factor = (lambda e: 0.5 * (1 + math.cos(math.pi * e / args.epochs))) if args.schedule == 'cosine' else (lambda e: args.decay ** e)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)

    def augment(x: np.ndarray) -> np.ndarray:
        n, s = len(x), args.shift
        if s:
            padded = np.pad(x, ((0, 0), (0, 0), (s, s), (s, s)))
            dy, dx = rng.integers(0, 2 * s + 1, n), rng.integers(0, 2 * s + 1, n)
            x = np.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(n)])
        if args.cutout:
            side = round(args.cutout * 28)
            erase = np.flatnonzero(rng.random(n) < args.cutout_probability)
            cy, cx = rng.integers(0, 28, len(erase)), rng.integers(0, 28, len(erase))
            x = x.copy()
            for i, y0, x0 in zip(erase, cy - side // 2, cx - side // 2):
                x[i, :, max(y0, 0):max(y0 + side, 0), max(x0, 0):max(x0 + side, 0)] = 0
        if not args.no_flip:
            flip = rng.random(n) < 0.5
            x = x.copy()
            x[flip] = x[flip, :, :, ::-1]
        return np.ascontiguousarray(x)

    accuracies: list[float] = []
    for epoch in range(args.epochs):
        started, total = time.time(), 0.0
        net.train()
        order = rng.permutation(len(x_train))
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            logits, labels = net(torch.from_numpy(augment(x_train[idx]))), torch.from_numpy(y_train[idx])
            if args.loss == 'tfjs':
                q = F.softmax(logits, 1)
                q = torch.clamp(q / q.sum(1, keepdim=True), 1e-7, 1 - 1e-7)
                target = F.one_hot(labels, 10).float() * (1 - args.label_smoothing) + args.label_smoothing / 10
                loss = -(target * torch.log(q)).sum(1).mean()
            else:
                loss = F.cross_entropy(logits, labels, label_smoothing=args.label_smoothing)
            if args.l2:
                loss = loss + args.l2 * sum((w ** 2).sum() for w in kernels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        schedule.step()
        net.eval()
        with torch.no_grad():
            correct = sum((net(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item() for i in range(0, len(x_test), 1000))
        print(f'epoch {epoch + 1} loss {total / len(x_train):.4f} test {correct / len(x_test):.4f} {time.time() - started:.0f}s', flush=True)
        accuracies.append(correct / len(x_test))
        if args.out:
            with open(args.out, 'w') as f:
                json.dump({'args': vars(args), 'testAccuracy': accuracies}, f)


if __name__ == '__main__':
    main()
