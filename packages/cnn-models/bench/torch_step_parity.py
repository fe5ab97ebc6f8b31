"""Replays `bench/step-parity.ts` in PyTorch: the same miniResnet weights, batches and Adam steps (the network of
bench/torch_fashion.py), then prints both losses per step and the largest relative weight differences.

    node --conditions=@deepcourse/source --import tsx bench/step-parity.ts -- --backend wasm
    /usr/bin/python3 bench/torch_step_parity.py --backend wasm
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).parent))
from torch_fashion import mini_resnet  # noqa: E402

DIR = Path('bench-results/step-parity')


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--backend', default='wasm')
    a = p.parse_args()
    torch.set_num_threads(1)
    meta = json.loads((DIR / f'{a.backend}.json').read_text())
    net = mini_resnet([16, 32, 64], 2, 'keras', 'centred')

    def read_weights(tag: str) -> dict[str, np.ndarray]:
        flat, out, offset = np.fromfile(DIR / f'{a.backend}-{tag}.f32', np.float32), {}, 0
        for w in meta['weights']:
            size = int(np.prod(w['shape']))
            out[w['name']] = flat[offset:offset + size].reshape(w['shape'])
            offset += size
        return out

    def module(layer: str) -> torch.nn.Module:
        if layer in ('stem_conv', 'stem_bn', 'classifier'):
            return net[{'stem_conv': 0, 'stem_bn': 1, 'classifier': -1}[layer]]
        stage, block, part = layer.split('_', 2)  # e.g. stage2_block1_proj_bn
        b = net[3 + (int(stage[5:]) - 1) * 2 + int(block[5:]) - 1]
        if part in ('proj', 'proj_bn'):
            return b.proj[0 if part == 'proj' else 1]
        return getattr(b, part)

    def torch_tensor(name: str, value: np.ndarray) -> tuple[torch.Tensor, np.ndarray]:
        """The PyTorch tensor of a tfjs weight and the tfjs value in PyTorch's layout (HWIO -> OIHW, [in, out] -> [out, in])."""
        layer, kind = name.split('/')
        m = module(layer)
        if kind == 'kernel':
            return m.weight, value.transpose(3, 2, 0, 1) if value.ndim == 4 else value.T
        attribute = {'gamma': 'weight', 'beta': 'bias', 'bias': 'bias', 'moving_mean': 'running_mean', 'moving_variance': 'running_var'}[kind]
        return getattr(m, attribute), value

    def differences(tag: str) -> str:
        rows = []
        for name, value in read_weights(tag).items():
            t, v = torch_tensor(name, value)
            rows.append((np.abs(t.detach().numpy() - v).max() / (np.abs(v).max() + 1e-12), name))
        rows.sort(reverse=True)
        return ', '.join(f'{name} {r:.1e}' for r, name in rows[:3])

    with torch.no_grad():
        for name, value in read_weights('init').items():
            t, v = torch_tensor(name, value)
            t.copy_(torch.from_numpy(np.ascontiguousarray(v)))
    images = torch.from_numpy(np.fromfile(DIR / 'images.f32', np.float32).reshape(-1, 28, 28, 1).transpose(0, 3, 1, 2).copy())
    labels = torch.from_numpy(np.fromfile(DIR / 'labels.i32', np.int32).astype(np.int64))
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3, eps=1e-7)
    net.train()
    losses = []
    for s in range(meta['steps']):
        batch = slice(128 * s, 128 * s + 128)
        loss = F.cross_entropy(net(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if s == 0:
            print(f'weights after step 1, largest relative differences: {differences("step1")}')
    print('loss per step  tfjs ' + ' '.join(f'{x:.5f}' for x in meta['losses']))
    print('            PyTorch ' + ' '.join(f'{x:.5f}' for x in losses))
    print(f'largest loss difference {max(abs(x - y) for x, y in zip(losses, meta["losses"])):.1e}')
    print(f'weights after step {meta["steps"]}, largest relative differences: {differences("final")}')
    net.eval()
    probe = torch.from_numpy(np.fromfile(DIR / 'probe.f32', np.float32).reshape(-1, 28, 28, 1).transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        ours = F.softmax(net(probe), 1).numpy()
    theirs = np.fromfile(DIR / f'{a.backend}-softmax.f32', np.float32).reshape(-1, 10)
    print(f'inference softmax of {len(ours)} test images: largest difference {np.abs(ours - theirs).max():.1e}, '
          f'same class {np.mean(ours.argmax(1) == theirs.argmax(1)):.1%}')


if __name__ == '__main__':
    main()
