/**
 * runlog.py: per-node statistics as JSON lines. Every record shape lives in this one module so it can be
 * matched to the app's run-log schema (`rescanvas train --log`) in one place when that schema is fixed.
 */
export const RUNLOG_PY = String.raw`"""Run log: JSON lines that ResCanvas can replay on the canvas, keyed by design node ids.

Records (one JSON object per line, "kind" first):
  {"kind": "run", "format": "rescanvas.runlog", "version": 1, "source": "pytorch", "design": NAME,
   "nodes": [unrolled node ids], "worldSize": N, "config": {...}, "startedAt": ISO-8601}
  {"kind": "stats", "step": S, "epoch": E, "loss": L, "learningRate": R,
   "nodes": {ID: {"forward": STATS, "backward": STATS or null, "weights": {"norm": n, "gradNorm": g} or null}}}
  {"kind": "epoch", "epoch": E, "step": S, "loss": L, "accuracy": A, "valLoss": VL, "valAccuracy": VA,
   "learningRate": R, "seconds": T}
  {"kind": "end", "step": S, "epoch": E, "seconds": T}
STATS = {"mean", "std", "rms", "min", "max", "zeroFraction"} of the node's output ("forward") or of the
loss gradient with respect to that output ("backward"), over the whole batch on rank 0.
Ids of repeated nodes are unrolled: copy k > 0 of node n is n__k, as in the tf.js model.
"""
import json
import time
from datetime import datetime, timezone

import torch

FORMAT = 'rescanvas.runlog'
VERSION = 1


def summarize(t):
    t = t.detach().float()
    if t.numel() == 0:
        return None
    s = torch.stack([t.mean(), t.std(unbiased=False), t.pow(2).mean().sqrt(), t.min(), t.max(), (t == 0).float().mean()])
    mean, std, rms, lo, hi, zero = s.tolist()
    return {'mean': mean, 'std': std, 'rms': rms, 'min': lo, 'max': hi, 'zeroFraction': zero}


class StatsRecorder:
    """Forward hooks on every node module record its output; a tensor hook on that output records the
    gradient flowing back into it. Hooks only do work on steps where arm(True) was called."""

    def __init__(self, model):
        self.nodes = model.node_modules()
        self.active = False
        self.forward, self.backward = {}, {}
        self.handles = [module.register_forward_hook(self._hook(node_id)) for node_id, module in self.nodes]

    def _hook(self, node_id):
        def on_forward(module, inputs, output):
            if not self.active or not torch.is_tensor(output):
                return
            self.forward[node_id] = summarize(output)
            if output.requires_grad:
                def on_backward(grad):
                    self.backward[node_id] = summarize(grad)
                output.register_hook(on_backward)
        return on_forward

    def arm(self, active):
        self.active = active
        self.forward, self.backward = {}, {}

    def collect(self):
        """Per-node record for the last armed step; call after backward, before optimizer.zero_grad."""
        nodes = {}
        for node_id, module in self.nodes:
            params = [p for p in module.parameters(recurse=True)]
            weights = None
            if params:
                with torch.no_grad():
                    norm = torch.sqrt(sum((p.detach().float() ** 2).sum() for p in params)).item()
                    grads = [p.grad for p in params if p.grad is not None]
                    grad_norm = torch.sqrt(sum((g.float() ** 2).sum() for g in grads)).item() if grads else None
                weights = {'norm': norm, 'gradNorm': grad_norm}
            nodes[node_id] = {'forward': self.forward.get(node_id), 'backward': self.backward.get(node_id), 'weights': weights}
        self.active = False
        return nodes

    def close(self):
        for h in self.handles:
            h.remove()


class RunLog:
    """Appends records to a .jsonl file, flushing each so a crashed job still leaves a readable log."""

    def __init__(self, path, resume=False):
        self.file = open(path, 'a' if resume else 'w', encoding='utf-8')
        self.started = time.time()

    def _write(self, record):
        self.file.write(json.dumps(record, allow_nan=False, default=_not_finite) + '\n')
        self.file.flush()

    def run(self, design, node_ids, world_size, config):
        self._write({'kind': 'run', 'format': FORMAT, 'version': VERSION, 'source': 'pytorch', 'design': design,
                     'nodes': node_ids, 'worldSize': world_size, 'config': config,
                     'startedAt': datetime.now(timezone.utc).isoformat()})

    def stats(self, step, epoch, loss, learning_rate, nodes):
        self._write(_finite({'kind': 'stats', 'step': step, 'epoch': epoch, 'loss': loss, 'learningRate': learning_rate, 'nodes': nodes}))

    def epoch(self, **fields):
        self._write(_finite({'kind': 'epoch', **fields, 'seconds': time.time() - self.started}))

    def end(self, step, epoch):
        self._write({'kind': 'end', 'step': step, 'epoch': epoch, 'seconds': time.time() - self.started})

    def close(self):
        self.file.close()


def _finite(value):
    """JSON has no NaN or infinity: a diverged run writes null there instead of an unreadable line."""
    if isinstance(value, float):
        return value if value == value and abs(value) != float('inf') else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _not_finite(value):
    raise TypeError(f'cannot write {type(value).__name__} to the run log')
`;
