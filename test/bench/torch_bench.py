"""PyTorch CPU twins of the nets in resnetTfjs.ts; prints one JSON object of median step times (ms).

Usage: python3 torch_bench.py [--threads N] [--steps N]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, in_channels, width, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.projection = None
        if stride != 1 or in_channels != width:
            self.projection = nn.Sequential(nn.Conv2d(in_channels, width, 1, stride, bias=False), nn.BatchNorm2d(width))

    def forward(self, x):
        branch = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = self.projection(x) if self.projection is not None else x
        return F.relu(branch + shortcut)


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        blocks, channels = [], 16
        for stage, width in enumerate([16, 32, 64]):
            for i in range(3):
                blocks.append(BasicBlock(channels, width, 2 if stage > 0 and i == 0 else 1))
                channels = width
        self.blocks = nn.Sequential(*blocks)
        self.dense = nn.Linear(64, 10)

    def forward(self, x):
        return self.dense(self.blocks(self.stem(x)).mean(dim=(2, 3)))


class ResidualMlp(nn.Module):
    def __init__(self, depth, width):
        super().__init__()
        self.input = nn.Linear(width, width, bias=False)
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.output = nn.Linear(width, 10, bias=False)

    def forward(self, x):
        h = F.relu(self.input(x))
        for block in self.blocks:
            h = h + F.relu(block(h))
        return self.output(h)


class SingleConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)

    def forward(self, x):
        return self.conv(x)


def median_step_ms(model, x, loss_of, warmup, steps):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_of(model(x))
        loss.backward()
        optimizer.step()
        loss.item()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0, help="0 keeps PyTorch's default")
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cross_entropy = lambda labels: (lambda logits: F.cross_entropy(logits, labels))

    conv_x = torch.randn(64, 3, 16, 16)
    resnet_x, resnet_y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))
    mlp_x, mlp_y = torch.randn(64, 64), torch.randint(0, 10, (64,))
    result = {
        "torchVersion": torch.__version__,
        "threads": torch.get_num_threads(),
        "convStepMs": median_step_ms(SingleConv(), conv_x, lambda y: (y * y).mean(), 3, args.steps),
        "resnet20StepMs": median_step_ms(ResNet20(), resnet_x, cross_entropy(resnet_y), 2, args.steps),
        "residualMlpStepMs": median_step_ms(ResidualMlp(30, 64), mlp_x, cross_entropy(mlp_y), 3, args.steps),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
