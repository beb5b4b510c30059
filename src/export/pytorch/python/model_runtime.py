"""The fixed parts of every model.py that ResCanvas exports.

model.py is written as: the design's header (its docstring, the imports below and its constants), the
text between the "runtime" markers, the design's own module classes, then the text between the "main"
markers. What lies outside the markers is here only so that this file compiles and lints on its own.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

from model import Model  # model.py defines it between the two parts

# ResCanvas: runtime begins
# ---------------------------------------------------------------------------------------------------
# Layers that reproduce tf.js (Keras) behaviour in PyTorch's channels-first layout. Each design node is
# one module, so forward hooks see exactly the node's output (see runlog.py).
# ---------------------------------------------------------------------------------------------------


class Dense(nn.Linear):
    """tf.js Dense: act(x @ kernel + bias). PyTorch stores the kernel transposed, as [out, in]."""

    def __init__(self, in_features, out_features, bias=True, act=None):
        super().__init__(in_features, out_features, bias=bias)
        self.act = act if act is not None else nn.Identity()

    def forward(self, x):
        return self.act(super().forward(x))


class Conv2d(nn.Conv2d):
    """tf.js Conv2D. pads = (left, right, top, bottom); TF's 'same' padding may be asymmetric, which
    nn.Conv2d's own padding cannot express, so asymmetric padding is applied with F.pad first."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pads=(0, 0, 0, 0), bias=True, act=None):
        left, right, top, bottom = pads
        symmetric = left == right and top == bottom
        super().__init__(in_channels, out_channels, kernel_size, stride=stride,
                         padding=(top, left) if symmetric else 0, bias=bias)
        self.pads = None if symmetric else tuple(pads)
        self.act = act if act is not None else nn.Identity()

    def forward(self, x):
        if self.pads is not None:
            x = F.pad(x, self.pads)
        return self.act(super().forward(x))


class Pool2d(nn.Module):
    """tf.js MaxPooling2D / AveragePooling2D. With 'same' padding TF ignores the padded cells: max pools
    pad with -inf and average pools divide by the number of real cells in each window."""

    def __init__(self, kind, size, stride, pads=(0, 0, 0, 0)):
        super().__init__()
        self.kind, self.size, self.stride, self.pads = kind, size, stride, tuple(pads)

    def forward(self, x):
        padded = any(self.pads)
        if self.kind == 'max':
            if padded:
                x = F.pad(x, self.pads, value=float('-inf'))
            return F.max_pool2d(x, self.size, self.stride)
        if not padded:
            return F.avg_pool2d(x, self.size, self.stride)
        total = F.avg_pool2d(F.pad(x, self.pads), self.size, self.stride)
        ones = torch.ones_like(x[:1, :1])
        share = F.avg_pool2d(F.pad(ones, self.pads), self.size, self.stride)
        return total / share

    def extra_repr(self):
        return f'{self.kind}, size={self.size}, stride={self.stride}, pads={self.pads}'


class GlobalAvgPool(nn.Module):
    """tf.js GlobalAveragePooling2D: [N, C, H, W] -> [N, C]."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


class Flatten(nn.Module):
    """tf.js Flatten of an image flattens in (height, width, channel) order; PyTorch's in (channel,
    height, width). Permuting back to channels-last first keeps the next Dense's weights valid."""

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.flatten(1)


class LayerNorm(nn.Module):
    """tf.js LayerNormalization normalizes over the last (channel) axis only, for vectors and images."""

    def __init__(self, channels, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        if x.dim() == 4:
            y = F.layer_norm(x.permute(0, 2, 3, 1), self.weight.shape, self.weight, self.bias, self.eps)
            return y.permute(0, 3, 1, 2)
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, self.eps)


class Add(nn.Module):
    def forward(self, *inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Concatenate(nn.Module):
    """tf.js concatenates on the last (channel) axis; in NCHW that is dim 1 (and dim 1 for vectors)."""

    def forward(self, *inputs):
        return torch.cat(inputs, dim=1)


# ---------------------------------------------------------------------------------------------------
# Weights: weights.bin holds little-endian float32 tensors back to back, already in PyTorch layout;
# weights.json says which state_dict key each one is. No pickle is involved.
# ---------------------------------------------------------------------------------------------------


def read_weights(index_path):
    """weights.json (+ the .bin it names) -> a state_dict of float32 tensors."""
    with open(index_path, 'r', encoding='utf-8') as f:
        index = json.load(f)
    if index.get('format') != 'rescanvas.pytorch-weights' or index.get('dtype') != 'float32':
        raise ValueError(f'{index_path}: not a ResCanvas PyTorch weights index')
    with open(os.path.join(os.path.dirname(os.path.abspath(index_path)), index['file']), 'rb') as f:
        blob = bytearray(f.read())
    flat = torch.frombuffer(blob, dtype=torch.float32) if blob else torch.zeros(0)
    if sys.byteorder != 'little':
        flat = torch.from_numpy(flat.numpy().byteswap())
    state = {}
    for entry in index['tensors']:
        count = math.prod(entry['shape'])
        start = entry['offset'] // 4
        if start + count > flat.numel():
            raise ValueError(f"{index_path}: tensor {entry['key']} runs past the end of {index['file']}")
        state[entry['key']] = flat[start:start + count].reshape(entry['shape']).clone()
    return state


def load_weights(model, index_path):
    """Loads exported tf.js weights into the model; every parameter and buffer must be covered."""
    state = read_weights(index_path)
    missing, unexpected = model.load_state_dict(state, strict=False)
    # num_batches_tracked has no tf.js counterpart and only matters for momentum=None.
    missing = [k for k in missing if not k.endswith('num_batches_tracked')]
    if missing or unexpected:
        raise ValueError(f'{index_path} does not fit this model: missing {missing[:5]}, unexpected {unexpected[:5]}')
    return model
# ResCanvas: runtime ends


# ResCanvas: main begins
def build_model(weights='auto'):
    """The model, with the exported tf.js weights when weights.json is beside this file (weights='auto'),
    from a given weights.json path, or freshly initialized (weights=None)."""
    model = Model()
    if weights == 'auto':
        weights = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'weights.json')
        if not os.path.exists(weights):
            weights = None
    if weights:
        load_weights(model, weights)
    return model


if __name__ == '__main__':
    import argparse
    parser = argparse.ArgumentParser(description='Print the model, or save its weights as a PyTorch state_dict file.')
    parser.add_argument('--save-state-dict', metavar='FILE', help='write torch.save(model.state_dict()) to FILE')
    args = parser.parse_args()
    net = build_model()
    print(net)
    print(f'{sum(p.numel() for p in net.parameters()):,} parameters')
    if args.save_state_dict:
        torch.save(net.state_dict(), args.save_state_dict)
        print(f'wrote {args.save_state_dict}')
# ResCanvas: main ends
