"""Run log: JSON lines that ResCanvas replays on the canvas (File > Open run log...), keyed by design node ids.

The format is ResCanvas' own run log, the one "rescanvas train --log" writes:
  {"kind": "run", "format": "rescanvas.runlog", "version": 1, "source": "pytorch", "runId", "designName",
   "design": the design document, "nodeIds": [unrolled node ids], "worldSize", "settings", "startedAt"}
  {"kind": "stats", "schema": 1, "runId", "step", "epoch" (0-based), "elapsedMs", "loss",
   "nodes": {"ids", "activation", "activationHistogram", "gradient", "gradientHistogram"},
   "edges": {"ids", "gradient"}, "weights": {"ids", "nodeIds", "values"}, "groups": {"ids", "values"}}
  {"kind": "epoch", "epoch" (1-based), "step", "loss", "accuracy", "validationLoss", "validationAccuracy",
   "learningRate", "elapsedMs"}
  {"kind": "end", "reason": "completed" | "stopped" | "diverged" | "failed", "step", "epoch", "elapsedMs"}

A stats record holds flat row-major arrays, one row per id, null where nothing was measured:
  nodes.activation          mean, std, min, max, zeroFraction of the node's output (the Output node: its
                            pre-activation values)
  nodes.activationHistogram 32 bins over [min, max], fractions of the values
  nodes.gradient            l2Norm, rms, maxAbs of the loss gradient w.r.t. that output (the Input: the batch)
  nodes.gradientHistogram   32 bins over [-maxAbs, maxAbs]
  edges.gradient            l2Norm, rms of the gradient along each edge whose source feeds several nodes
  weights.values            norm, gradNorm, updateRatio = |w_after - w_before| / |w_before| of this step
  groups.values             over the copies of a repeated node: activation std mean/min/max, gradient rms
                            mean/min/max
Statistics are over rank 0's share of the batch. Histograms use at most 8192 evenly strided values of a
tensor, as the app does. Row order comes from stats_layout.json, written with this package.
"""
import json
import math
import os
import secrets
import time
from datetime import datetime, timezone

import torch

FORMAT = 'rescanvas.runlog'
VERSION = 1
STATS_SCHEMA = 1
BINS = 32
HISTOGRAM_SAMPLE = 8192
# Tensors of one size are stacked to be reduced together, up to this many values at a time.
MAX_STACK = 1 << 24
NAN = float('nan')
ACTIVATION_WIDTH, GRADIENT_WIDTH, EDGE_WIDTH, WEIGHT_WIDTH = 5, 3, 2, 3


def read_layout(path):
    with open(path, encoding='utf-8') as f:
        layout = json.load(f)
    if layout.get('format') != 'rescanvas.pytorch-stats-layout' or layout.get('version') != 1:
        raise ValueError(f'{path}: not a ResCanvas stats layout')
    return layout


def _batches(tensors):
    """Indices of the recorded tensors, grouped by element count (and chunked), so each group reduces in a few ops."""
    by_size = {}
    for i, t in enumerate(tensors):
        if t is not None and t.numel() > 0:
            by_size.setdefault(t.numel(), []).append(i)
    for size, indices in by_size.items():
        per = max(1, MAX_STACK // size)
        for start in range(0, len(indices), per):
            yield indices[start:start + per]


def _histograms(rows, lo, hi):
    """[rows, BINS]: the fraction of each row's values (at most HISTOGRAM_SAMPLE of them, evenly strided) in
    BINS equal bins over [lo, hi], binned as the app's engine bins them; one bincount for all rows."""
    count, size = rows.shape
    stride = -(-size // HISTOGRAM_SAMPLE)
    sample = rows[:, ::stride] if stride > 1 else rows
    scaled = (sample - lo[:, None]) / (hi - lo).clamp_min(1e-30)[:, None]
    bins = torch.nan_to_num((scaled * BINS).floor(), nan=0.0).clamp(0, BINS - 1).long()
    bins += torch.arange(count, device=rows.device)[:, None] * BINS
    fractions = torch.bincount(bins.reshape(-1), minlength=count * BINS).reshape(count, BINS).float() / sample.shape[1]
    finite = (torch.isfinite(lo) & torch.isfinite(hi))[:, None]
    return torch.where(finite, fractions, torch.full_like(fractions, NAN))


def summarize(tensors, kind):
    """Per tensor (None where none was recorded): for 'activation' ([mean, std, min, max, zeroFraction],
    histogram over [min, max]); for 'gradient' ([l2Norm, rms, maxAbs], histogram over [-maxAbs, maxAbs]);
    for 'edge' [l2Norm, rms]. std is the population std, as tf.moments computes it."""
    out = [None] * len(tensors)
    with torch.no_grad():
        for indices in _batches(tensors):
            rows = torch.stack([tensors[i].reshape(-1).float() for i in indices])
            histogram = None
            if kind == 'activation':
                mean = rows.mean(1)
                lo, hi = rows.min(1).values, rows.max(1).values
                stats = torch.stack([mean, (rows - mean[:, None]).square().mean(1).sqrt(), lo, hi, (rows == 0).float().mean(1)], 1)
                histogram = _histograms(rows, lo, hi)
            else:
                squares = rows.square().sum(1)
                if kind == 'edge':
                    stats = torch.stack([squares.sqrt(), (squares / rows.shape[1]).sqrt()], 1)
                else:
                    max_abs = rows.abs().max(1).values
                    stats = torch.stack([squares.sqrt(), (squares / rows.shape[1]).sqrt(), max_abs], 1)
                    histogram = _histograms(rows, -max_abs, max_abs)
            stats = stats.tolist()
            histogram = histogram.tolist() if histogram is not None else None
            for j, i in enumerate(indices):
                out[i] = (stats[j], histogram[j]) if histogram is not None else stats[j]
    return out


def _mean(xs):
    return sum(xs) / len(xs) if xs else NAN


class StatsRecorder:
    """Hooks on the model's node modules measure every node's output and the gradient flowing back into it,
    on armed steps only (arm(True)); otherwise the hooks return at once. On an armed step each output is
    passed on as a view of itself, so each node's gradient is its own even when a module returns its
    input unchanged, and inputs arriving along fan-out edges get views of their own for the edge gradients."""

    def __init__(self, model, layout):
        modules = dict(model.node_modules())
        self.node_ids = layout['nodeIds']
        self.row = {node_id: i for i, node_id in enumerate(self.node_ids)}
        self.input_row = self.row[layout['inputId']]
        missing = [n for n in self.node_ids if n != layout['inputId'] and n not in modules]
        if missing:
            raise ValueError(f'stats_layout.json names nodes the model does not have: {missing[:5]}')
        self.edge_ids = [e['id'] for e in layout['edges']]
        self.weight_ids = [w['id'] for w in layout['weights']]
        self.weight_nodes = [w['node'] for w in layout['weights']]
        self.weights = [getattr(modules[w['node']], w['param']) for w in layout['weights']]
        self.groups = layout['groups']
        self.active = False
        self._reset()

        self.handles = [model.register_forward_pre_hook(self._on_input)]
        for node_id in self.node_ids:
            if node_id == layout['inputId']:
                continue
            if node_id == layout['outputId']:
                # The Output module applies its activation last; the app reports the values before it.
                self.handles.append(modules[node_id].act.register_forward_pre_hook(self._on_logits(node_id)))
            else:
                self.handles.append(modules[node_id].register_forward_hook(self._on_output(node_id)))
        by_target = {}
        for index, edge in enumerate(layout['edges']):
            by_target.setdefault(edge['target'], []).append((edge['port'], index))
        for target, ports in by_target.items():
            self.handles.append(modules[target].register_forward_pre_hook(self._on_edges(ports)))

    def _reset(self):
        self.activation = [None] * len(self.node_ids)
        self.gradient = [None] * len(self.node_ids)
        self.edge = [None] * len(self.edge_ids)
        self.before = None

    def _measure(self, node_id, value):
        """Keeps value (and, once backward reaches it, its gradient) for frame(); returns the view of it that
        the rest of the forward pass should use."""
        row = self.row[node_id]
        self.activation[row] = value.detach()
        if not value.requires_grad:
            return value
        view = value.view_as(value)

        def on_gradient(grad):
            self.gradient[row] = grad.detach()
        view.register_hook(on_gradient)
        return view

    def _on_input(self, model, inputs):
        if not (self.active and inputs and torch.is_tensor(inputs[0]) and inputs[0].is_floating_point()):
            return None
        # The batch itself needs no gradient; asking for one on recorded steps measures the loss gradient
        # w.r.t. the Input (and the edges leaving it), as the app does. Parameter gradients are unchanged.
        x = inputs[0].detach().requires_grad_(True)
        return (self._measure(self.node_ids[self.input_row], x),) + tuple(inputs[1:])

    def _on_output(self, node_id):
        def hook(module, inputs, output):
            if self.active and torch.is_tensor(output):
                return self._measure(node_id, output)
            return None
        return hook

    def _on_logits(self, node_id):
        def hook(module, inputs):
            if self.active and inputs and torch.is_tensor(inputs[0]):
                return (self._measure(node_id, inputs[0]),) + tuple(inputs[1:])
            return None
        return hook

    def _on_edges(self, ports):
        def hook(module, inputs):
            if not self.active:
                return None
            values = list(inputs)
            for port, index in ports:
                x = values[port] if port < len(values) else None
                if not (torch.is_tensor(x) and x.requires_grad):
                    continue
                values[port] = x.view_as(x)

                def on_gradient(grad, index=index):
                    self.edge[index] = grad.detach()
                values[port].register_hook(on_gradient)
            return tuple(values)
        return hook

    def arm(self, active):
        self.active = active
        self._reset()

    def before_update(self):
        """Call after backward, before optimizer.step: keeps the weights and their gradients' norms."""
        with torch.no_grad():
            self.before = [w.detach().clone() for w in self.weights]
            self.grad_norms = [w.grad.detach().norm() if w.grad is not None else torch.tensor(NAN) for w in self.weights]

    def _weight_values(self):
        """[norm, gradNorm, updateRatio] per weight, flat; without before_update only the norm is known."""
        if not self.weights:
            return []
        with torch.no_grad():
            if self.before is None:
                return [v for w in self.weights for v in (w.detach().norm().item(), NAN, NAN)]
            rows = []
            for w, before, grad_norm in zip(self.weights, self.before, self.grad_norms):
                norm = before.norm()
                rows.append(torch.stack([norm, grad_norm.to(norm), (w.detach() - before).norm() / norm.clamp_min(1e-30)]))
            return torch.stack(rows).reshape(-1).tolist()

    def frame(self, run_id, step, epoch, elapsed_ms, loss):
        """The stats record of the armed step; call after optimizer.step. Disarms the hooks."""
        self.active = False
        nodes = len(self.node_ids)
        missing = [self.node_ids[i] for i in range(nodes) if self.activation[i] is None]
        if missing:
            raise RuntimeError(f'an instrumented step did not record nodes {missing[:5]}')
        weight_values = self._weight_values()
        # Summarized only now, all at once: each tensor size is reduced in a handful of batched ops.
        activations = [a if a is not None else ([NAN] * ACTIVATION_WIDTH, [NAN] * BINS) for a in summarize(self.activation, 'activation')]
        gradients = [g if g is not None else ([NAN] * GRADIENT_WIDTH, [NAN] * BINS) for g in summarize(self.gradient, 'gradient')]
        edges = [v for e in summarize(self.edge, 'edge') for v in (e if e is not None else [NAN] * EDGE_WIDTH)]
        activation = [v for row in activations for v in row[0]]
        activation_histogram = [v for row in activations for v in row[1]]

        group_values = []
        for group in self.groups:
            # As the app: a missing activation std makes every std aggregate missing; missing gradients are skipped.
            stds = [activations[r][0][1] for r in group['rows']]
            rmss = [gradients[r][0][1] for r in group['rows'] if not math.isnan(gradients[r][0][1])]
            std_part = [NAN] * 3 if not stds or any(math.isnan(s) for s in stds) else [_mean(stds), min(stds), max(stds)]
            rms_part = [_mean(rmss), min(rmss), max(rmss)] if rmss else [NAN] * 3
            group_values.extend(std_part + rms_part)
        record = {
            'schema': STATS_SCHEMA, 'runId': run_id, 'step': step, 'epoch': epoch, 'elapsedMs': elapsed_ms, 'loss': loss,
            'nodes': {'ids': self.node_ids, 'activation': activation, 'activationHistogram': activation_histogram,
                      'gradient': [v for g in gradients for v in g[0]], 'gradientHistogram': [v for g in gradients for v in g[1]]},
            'edges': {'ids': self.edge_ids, 'gradient': edges},
            'weights': {'ids': self.weight_ids, 'nodeIds': self.weight_nodes, 'values': weight_values},
            'groups': {'ids': [g['id'] for g in self.groups], 'values': group_values},
        }
        self._reset()
        return record

    def close(self):
        for h in self.handles:
            h.remove()


class RunLog:
    """Appends records to a .jsonl file, flushing each, so a job that dies still leaves a readable log.

    resume=(step, epoch) continues a log: the records after that checkpoint (and the end record) are
    dropped and writing carries on under the same header and run id. elapsed_ms: time already spent
    before a resumed run started."""

    def __init__(self, path, header, resume=None, elapsed_ms=0.0, run_id=None):
        self.path = path
        self.started = time.time() - elapsed_ms / 1000
        kept = _kept_records(path, header, resume) if resume is not None and os.path.exists(path) else None
        if kept:
            self.run_id = json.loads(kept[0])['runId']
            tmp = path + '.tmp'
            with open(tmp, 'w', encoding='utf-8') as f:
                f.writelines(line + '\n' for line in kept)
            os.replace(tmp, path)
            self.file = open(path, 'a', encoding='utf-8')
            return
        self.run_id = run_id or f"pytorch-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"
        self.file = open(path, 'w', encoding='utf-8')
        self._write({'kind': 'run', 'format': FORMAT, 'version': VERSION, 'source': 'pytorch', 'runId': self.run_id, **header,
                     'startedAt': datetime.now(timezone.utc).isoformat()})

    def elapsed_ms(self):
        return (time.time() - self.started) * 1000

    def _write(self, record):
        self.file.write(json.dumps(_finite(record), allow_nan=False, separators=(',', ':')) + '\n')
        self.file.flush()

    def stats(self, record):
        self._write({'kind': 'stats', **record})

    def epoch(self, epoch, step, loss, accuracy, validation_loss, validation_accuracy, learning_rate):
        self._write({'kind': 'epoch', 'epoch': epoch, 'step': step, 'loss': loss, 'accuracy': accuracy,
                     'validationLoss': validation_loss, 'validationAccuracy': validation_accuracy,
                     'learningRate': learning_rate, 'elapsedMs': self.elapsed_ms()})

    def end(self, reason, step, epoch):
        self._write({'kind': 'end', 'reason': reason, 'step': step, 'epoch': epoch, 'elapsedMs': self.elapsed_ms()})

    def close(self):
        self.file.close()


def _kept_records(path, header, resume):
    """The lines of an existing log that precede checkpoint resume=(step, epoch); None when the log is empty.
    A log of another model is refused rather than overwritten."""
    step, epoch = resume
    with open(path, encoding='utf-8') as f:
        lines = [line.rstrip('\n') for line in f if line.strip()]
    if not lines:
        return None
    records = []
    for number, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            if number == len(lines):
                break  # the last line of a job that died mid-write
            raise SystemExit(f'train.py: {path} line {number} is not JSON; pass another --log to resume')
    first = records[0] if records else {}
    if first.get('kind') != 'run' or first.get('nodeIds') != header['nodeIds']:
        raise SystemExit(f'train.py: {path} is the log of another model or run; pass another --log to resume')
    kept = [lines[0]]
    for line, record in zip(lines[1:], records[1:]):
        kind = record.get('kind')
        if (kind == 'stats' and record.get('step', step) < step) or (kind == 'epoch' and record.get('epoch', epoch + 1) <= epoch):
            kept.append(line)
    return kept


def _finite(value):
    """JSON has no NaN or infinity: "not measured" and a diverged value are written as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
