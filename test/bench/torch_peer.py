"""The PyTorch side of the engine-vs-PyTorch bench (test/bench/peer.ts).

Trains the design's exported PyTorch package (model.py, train.py, data.npz, weights.json in PACKAGE_DIR)
on batches the bench names, one round at a time, so the engine and PyTorch can take turns in one run.
Each step is train.py's own: the same loss, optimizer and update order (forward, zero_grad, backward,
step, loss and correct count read back).

Protocol, one JSON object per line: stdin {"lr": float, "batches": [[index, ...], ...]} or {"quit": true};
stdout first {"ready": true, "torch": version, "threads": n}, then {"ms": [...], "cpuMs": [...]} per round:
each step's wall time and the CPU time this process spent on it (all threads), in milliseconds.

Usage: python3 torch_peer.py PACKAGE_DIR [--threads N]
"""
import argparse
import json
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument('package')
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()

    import numpy as np
    import torch

    torch.set_num_threads(a.threads)
    sys.path.insert(0, os.path.abspath(a.package))
    os.chdir(a.package)
    import model as generated
    import train

    config = train.read_config()
    args = argparse.Namespace(optimizer=config['optimizer'], lr=config['learningRate'], momentum=config['momentum'])
    data = np.load('data.npz')
    x_all = torch.from_numpy(np.ascontiguousarray(data['x'], dtype=np.float32))
    if x_all.dim() == 4:
        # data.py hands the model NCHW images; the app's datasets hold them channels-last.
        x_all = x_all.permute(0, 3, 1, 2).contiguous()
    y_all = torch.from_numpy(data['y'].astype(np.int64))

    net = generated.build_model('weights.json')
    net.train()
    optimizer = train.make_optimizer(args, net.parameters())
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads()}), flush=True)

    for line in sys.stdin:
        request = json.loads(line)
        if request.get('quit'):
            break
        times, cpu = [], []
        for indices in request['batches']:
            start = time.perf_counter()
            cpu_start = time.process_time()
            idx = torch.tensor(indices, dtype=torch.int64)
            x, y = x_all[idx], y_all[idx]
            loss, correct = train.loss_and_correct(net(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss.item()
            correct.item()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - cpu_start) * 1000)
        print(json.dumps({'ms': times, 'cpuMs': cpu}), flush=True)


if __name__ == '__main__':
    main()
