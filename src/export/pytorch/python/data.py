"""Datasets for train.py: the data.npz exported beside this file, or your own .npz or .csv file.

.npz: arrays x (float, [N, features] or channels-last images [N, H, W, C] as ResCanvas and tf.js hold
them) and y (integer class per sample); optionally x_val and y_val. Images are transposed here to the
channels-first layout model.py takes.
.csv: numeric feature columns and one label column (the last, or --label-column NAME|INDEX); a first row
that is not numeric is taken as the header. Labels may be integers or names (sorted names become 0..K-1).
"""
import csv
import os

import numpy as np
import torch
from torch.utils.data import TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PATH = os.path.join(HERE, 'data.npz')


class DataError(ValueError):
    pass


def _from_npz(path):
    with np.load(path, allow_pickle=False) as f:
        if 'x' not in f or 'y' not in f:
            raise DataError(f'{path}: needs arrays named x and y (has {sorted(f.keys())})')
        arrays = {k: f[k] for k in f.keys()}
    val = (arrays['x_val'], arrays['y_val']) if 'x_val' in arrays and 'y_val' in arrays else None
    return arrays['x'], arrays['y'], val


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def _from_csv(path, label_column):
    with open(path, newline='', encoding='utf-8-sig') as f:
        sample = f.read(65536)
        f.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=',;\t') if sample.strip() else csv.excel
        rows = [r for r in csv.reader(f, dialect) if any(cell.strip() for cell in r)]
    if not rows:
        raise DataError(f'{path}: the file has no rows')
    header = None if all(_is_number(c) for c in rows[0]) else rows[0]
    body = rows[1:] if header else rows
    width = len(rows[0])
    if label_column is None:
        label = width - 1
    elif str(label_column).isdigit():
        label = int(label_column)
    elif header and label_column in header:
        label = header.index(label_column)
    else:
        raise DataError(f'{path}: no column named {label_column!r} (columns: {header})')
    if not 0 <= label < width:
        raise DataError(f'{path}: label column {label} is outside the {width} columns')
    features, labels = [], []
    for line, row in enumerate(body, start=2 if header else 1):
        if len(row) != width:
            raise DataError(f'{path}, line {line}: {len(row)} columns where the first row has {width}')
        try:
            features.append([float(c) for i, c in enumerate(row) if i != label])
        except ValueError as e:
            raise DataError(f'{path}, line {line}: {e}') from None
        labels.append(row[label].strip())
    if all(_is_number(v) and float(v).is_integer() for v in labels):
        y = np.array([int(float(v)) for v in labels])
    else:
        names = sorted(set(labels))
        y = np.array([names.index(v) for v in labels])
    return np.array(features, dtype=np.float32), y, None


def _check(x, y, input_shape_nhwc, classes, where):
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y).astype(np.int64).reshape(-1)
    if x.shape[1:] != tuple(input_shape_nhwc):
        raise DataError(f'{where}: samples have shape {list(x.shape[1:])} but the model takes {list(input_shape_nhwc)}')
    if len(x) != len(y):
        raise DataError(f'{where}: {len(x)} samples but {len(y)} labels')
    if len(y) and (y.min() < 0 or y.max() >= max(classes, 2)):
        raise DataError(f'{where}: labels run from {y.min()} to {y.max()}; the model has {classes} output units')
    tx = torch.from_numpy(np.ascontiguousarray(x))
    if tx.dim() == 4:
        tx = tx.permute(0, 3, 1, 2).contiguous()
    return TensorDataset(tx, torch.from_numpy(y))


def load(path=None, input_shape_nhwc=None, classes=2, validation_fraction=0.2, seed=1, label_column=None):
    """(train, validation) TensorDatasets. The split of a file without x_val is a fixed, seeded shuffle,
    the same in every process, so DistributedSampler ranks see disjoint parts of the same training set."""
    path = path or DEFAULT_PATH
    if not os.path.exists(path):
        raise DataError(f'{path}: no such file (export the package with a dataset, or pass --data FILE.npz|FILE.csv)')
    if path.endswith('.npz'):
        x, y, val = _from_npz(path)
    elif path.endswith('.csv'):
        x, y, val = _from_csv(path, label_column)
    else:
        raise DataError(f'{path}: expected a .npz or .csv file')
    if val is None:
        order = np.random.default_rng(seed).permutation(len(x))
        n_val = int(round(len(x) * validation_fraction))
        val = (x[order[:n_val]], y[order[:n_val]])
        x, y = x[order[n_val:]], y[order[n_val:]]
    train = _check(x, y, input_shape_nhwc, classes, path)
    validation = _check(val[0], val[1], input_shape_nhwc, classes, path + ' (validation)')
    return train, validation
