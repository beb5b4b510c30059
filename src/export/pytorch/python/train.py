"""Train the exported model, on one process or many.

  python3 train.py                                    # one process (CPU, or the GPU if there is one)
  torchrun --standalone --nproc_per_node=4 train.py   # DDP on one machine
  torchrun --nnodes=2 --node_rank=R --master_addr=HOST --master_port=29500 --nproc_per_node=8 train.py

DDP uses nccl when training on GPUs and gloo on CPU. Defaults come from config.json (written with the
design's optimizer and schedule); every flag overrides one. --batch-size is the global batch: each of N
processes takes batch/N, so a run means the same thing whatever N is.
"""
import argparse
import hashlib
import json
import math
import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler

import data
import model as generated
import runlog

HERE = os.path.dirname(os.path.abspath(__file__))


def read_config():
    with open(os.path.join(HERE, 'config.json'), encoding='utf-8') as f:
        return json.load(f)


def parse_args(config):
    p = argparse.ArgumentParser(description=f'Train {generated.DESIGN_NAME} (exported from ResCanvas).')
    p.add_argument('--data', help='a .npz or .csv file (default: data.npz beside this script)')
    p.add_argument('--label-column', help='CSV label column, by name or 0-based index (default: the last)')
    p.add_argument('--epochs', type=int, default=config['epochs'])
    p.add_argument('--batch-size', type=int, default=config['batchSize'], help='global batch size, split across processes')
    p.add_argument('--optimizer', choices=['sgd', 'momentum', 'adam', 'rmsprop'], default=config['optimizer'])
    p.add_argument('--lr', type=float, default=config['learningRate'])
    p.add_argument('--momentum', type=float, default=config['momentum'])
    p.add_argument('--schedule', type=json.loads, default=config['schedule'],
                   help='JSON, e.g. \'{"kind": "cosine", "warmupEpochs": 2, "minLearningRate": 0}\'')
    p.add_argument('--seed', type=int, default=config['seed'])
    p.add_argument('--validation-fraction', type=float, default=config['validationFraction'])
    p.add_argument('--weights', default='auto', help="initial weights: 'auto' (weights.json if exported), a weights.json path, or 'none' for PyTorch's initialization")
    p.add_argument('--checkpoint-dir', default='checkpoints', help='last.pt is written here after every epoch')
    p.add_argument('--keep-every', type=int, default=0, metavar='N', help='also keep epoch-N.pt every N epochs (0: only last.pt)')
    p.add_argument('--resume', nargs='?', const='auto', help="continue from a checkpoint (no value: <checkpoint-dir>/last.pt)")
    p.add_argument('--log', default='run.jsonl', help='run log (JSON lines) written by rank 0; open it in ResCanvas')
    p.add_argument('--stats-every', type=int, default=config['statsEvery'], help='per-node statistics every k steps (0: never)')
    p.add_argument('--device', choices=['auto', 'cpu', 'cuda'], default='auto')
    return p.parse_args()


def setup(args):
    """(rank, world size, device); joins the process group when launched by torchrun."""
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local_rank = int(os.environ.get('LOCAL_RANK', '0'))
    use_cuda = args.device == 'cuda' or (args.device == 'auto' and torch.cuda.is_available())
    device = torch.device(f'cuda:{local_rank}' if use_cuda else 'cpu')
    if use_cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group(backend='nccl' if use_cuda else 'gloo')
    return rank, world, device


def make_optimizer(args, params):
    # Constants match tf.js' optimizers (tf.train.*), whose epsilon is 1e-7 and RMSprop decay 0.9.
    if args.optimizer == 'sgd':
        return torch.optim.SGD(params, lr=args.lr)
    if args.optimizer == 'momentum':
        return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum)
    if args.optimizer == 'adam':
        return torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
    return torch.optim.RMSprop(params, lr=args.lr, alpha=0.9, eps=1e-7)


def schedule_factor(schedule, steps_per_epoch, total_steps, base_lr):
    """Multiplier of the base rate at a global step, for LambdaLR (stepped once per batch)."""
    kind = schedule.get('kind', 'constant')
    if kind == 'constant':
        return lambda step: 1.0
    if kind == 'step':
        every, factor = schedule['everyEpochs'], schedule['factor']
        return lambda step: factor ** ((step // steps_per_epoch) // every)
    if kind == 'cosine':
        warmup = schedule.get('warmupEpochs', 0) * steps_per_epoch
        floor = schedule.get('minLearningRate', 0.0) / base_lr

        def cosine(step):
            if step < warmup:
                return (step + 1) / warmup
            t = (step - warmup) / max(1, total_steps - warmup)
            return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))
        return cosine
    raise SystemExit(f'train.py: unknown schedule kind {kind!r} (constant, step or cosine)')


def loss_and_correct(output, y):
    """The design's loss on the Output's activations, as Keras computes it (probabilities clipped to
    [1e-7, 1 - 1e-7] before the log), and the number of correct predictions."""
    kind, units = generated.OUTPUT['loss'], generated.OUTPUT['units']
    eps = 1e-7
    if kind == 'categoricalCrossentropy':
        loss = F.nll_loss(torch.log(output.clamp(eps, 1 - eps)), y)
        correct = (output.argmax(1) == y).sum()
    elif kind == 'binaryCrossentropy':
        target = y.float().unsqueeze(1) if units == 1 else F.one_hot(y, units).float()
        p = output.clamp(eps, 1 - eps)
        loss = -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()
        correct = ((output[:, 0] > 0.5).long() == y).sum() if units == 1 else (output.argmax(1) == y).sum()
    else:
        target = y.float().unsqueeze(1) if units == 1 else F.one_hot(y, units).float()
        loss = F.mse_loss(output, target)
        correct = ((output[:, 0] > 0.5).long() == y).sum() if units == 1 else (output.argmax(1) == y).sum()
    return loss, correct


def reduce_sums(values, device, world):
    """Sums a few numbers over all processes (one all_reduce)."""
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if world > 1:
        dist.all_reduce(t)
    return t.tolist()


def evaluate(net, loader, device, world):
    net.eval()
    total = [0.0, 0.0, 0.0]
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            loss, correct = loss_and_correct(net(x), y)
            total[0] += loss.item() * len(y)
            total[1] += correct.item()
            total[2] += len(y)
    loss_sum, correct, count = reduce_sums(total, device, world)
    return (loss_sum / count, correct / count) if count else (None, None)


def parameter_digest(net):
    """sha256 over every parameter and buffer, in state_dict order: equal digests mean equal models."""
    h = hashlib.sha256()
    for key, value in net.state_dict().items():
        h.update(key.encode())
        h.update(value.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def read_design():
    """{'design': the design document} when design.rescanvas.json is beside this script, else {}."""
    path = os.path.join(HERE, 'design.rescanvas.json')
    if not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as f:
        return {'design': json.load(f)}


def effective_settings(args):
    """The run's settings under config.json's names, for the run log's header."""
    return {'optimizer': args.optimizer, 'learningRate': args.lr, 'momentum': args.momentum, 'schedule': args.schedule,
            'batchSize': args.batch_size, 'epochs': args.epochs, 'statsEvery': args.stats_every, 'seed': args.seed,
            'validationFraction': args.validation_fraction, 'data': args.data or 'data.npz', 'weights': args.weights}


def save_checkpoint(path, state):
    """Write-then-rename, so an interrupted save never leaves a half-written last.pt behind."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    config = read_config()
    args = parse_args(config)
    rank, world, device = setup(args)
    torch.manual_seed(args.seed)
    say = (lambda *a: print(*a, flush=True)) if rank == 0 else (lambda *a: None)

    try:
        train_set, val_set = data.load(args.data, generated.INPUT_SHAPE_NHWC, generated.OUTPUT['units'],
                                       args.validation_fraction, args.seed, args.label_column)
    except data.DataError as e:
        raise SystemExit(f'train.py: {e}')
    if args.batch_size < world:
        raise SystemExit(f'train.py: --batch-size {args.batch_size} is smaller than the {world} processes')
    per_rank = args.batch_size // world
    # DistributedSampler also serves the single-process case: the same seeded order either way.
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=args.seed, drop_last=True)
    train_loader = DataLoader(train_set, batch_size=per_rank, sampler=sampler, drop_last=True)
    val_loader = DataLoader(val_set, batch_size=per_rank,
                            sampler=DistributedSampler(val_set, num_replicas=world, rank=rank, shuffle=False, drop_last=False))
    if len(train_loader) == 0:
        raise SystemExit(f'train.py: {len(train_set)} training samples are fewer than one batch of {args.batch_size}')

    net = generated.build_model(None if args.weights == 'none' else args.weights).to(device)
    model_for_training = DistributedDataParallel(net, device_ids=[device.index] if device.type == 'cuda' else None) if world > 1 else net
    optimizer = make_optimizer(args, net.parameters())
    steps_per_epoch = len(train_loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, schedule_factor(args.schedule, steps_per_epoch, steps_per_epoch * args.epochs, args.lr))

    start_epoch, step = 0, 0
    resumed_elapsed_ms, resumed_run_id = 0.0, None
    checkpoint_path = os.path.join(args.checkpoint_dir, 'last.pt')
    if args.resume:
        path = checkpoint_path if args.resume == 'auto' else args.resume
        if not os.path.exists(path):
            raise SystemExit(f'train.py: no checkpoint at {path}')
        state = torch.load(path, map_location=device)
        net.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        scheduler.load_state_dict(state['scheduler'])
        start_epoch, step = state['epoch'], state['step']
        resumed_elapsed_ms, resumed_run_id = state.get('elapsedMs', 0.0), state.get('runId')
        say(f'resumed from {path} at epoch {start_epoch}, step {step}')

    layout = runlog.read_layout(os.path.join(HERE, 'stats_layout.json'))
    recorder = runlog.StatsRecorder(net, layout) if rank == 0 and args.stats_every > 0 else None
    log = None
    if rank == 0:
        header = {'designName': generated.DESIGN_NAME, **read_design(), 'nodeIds': layout['nodeIds'], 'worldSize': world,
                  'settings': effective_settings(args)}
        log = runlog.RunLog(args.log, header, resume=(step, start_epoch) if args.resume else None,
                            elapsed_ms=resumed_elapsed_ms, run_id=resumed_run_id)
    say(f'{generated.DESIGN_NAME}: {world} process(es) on {device}, {len(train_set)} training samples, '
        f'batch {per_rank * world} ({per_rank} per process), {steps_per_epoch} steps per epoch')

    completed, reason = start_epoch, 'completed'
    try:
        for epoch in range(start_epoch, args.epochs):
            sampler.set_epoch(epoch)
            # Seeded per epoch and rank (dropout masks), so a resumed run repeats exactly what an unbroken one does.
            torch.manual_seed(args.seed * 1_000_003 + epoch * 1009 + rank)
            model_for_training.train()
            totals = [0.0, 0.0, 0.0]
            for x, y in train_loader:
                x, y = x.to(device), y.to(device)
                recording = recorder is not None and step % args.stats_every == 0
                if recorder:
                    recorder.arm(recording)
                loss, correct = loss_and_correct(model_for_training(x), y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if recording:
                    recorder.before_update()
                optimizer.step()
                if recording:
                    log.stats(recorder.frame(log.run_id, step, epoch, log.elapsed_ms(), loss.item()))
                scheduler.step()
                step += 1
                totals[0] += loss.item() * len(y)
                totals[1] += correct.item()
                totals[2] += len(y)
            if world > 1:
                # DDP copies rank 0's buffers at the start of each forward, so each rank's BatchNorm running
                # statistics still hold its own last batch; make rank 0's the ones every rank keeps.
                for buffer in net.buffers():
                    dist.broadcast(buffer, 0)
            loss_sum, correct_sum, count = reduce_sums(totals, device, world)
            val_loss, val_acc = evaluate(net, val_loader, device, world)
            lr = scheduler.get_last_lr()[0]
            say(f'epoch {epoch + 1}/{args.epochs}  loss {loss_sum / count:.4f}  accuracy {correct_sum / count:.3f}'
                + (f'  val_loss {val_loss:.4f}  val_accuracy {val_acc:.3f}' if val_loss is not None else '') + f'  lr {lr:.3g}')
            completed = epoch + 1
            if log:
                log.epoch(epoch + 1, step, loss_sum / count, correct_sum / count, val_loss, val_acc, lr)
            if not math.isfinite(loss_sum):
                # Every rank sees the same reduced loss, so every rank stops here together.
                say(f'epoch {epoch + 1}: the loss is not finite; stopping')
                reason = 'diverged'
                break
            if rank == 0:
                state = {'model': net.state_dict(), 'optimizer': optimizer.state_dict(), 'scheduler': scheduler.state_dict(),
                         'epoch': epoch + 1, 'step': step, 'design': generated.DESIGN_NAME,
                         'runId': log.run_id, 'elapsedMs': log.elapsed_ms()}
                save_checkpoint(checkpoint_path, state)
                if args.keep_every and (epoch + 1) % args.keep_every == 0:
                    save_checkpoint(os.path.join(args.checkpoint_dir, f'epoch-{epoch + 1}.pt'), state)
            if world > 1:
                dist.barrier()
    except BaseException as e:
        # The log says how the run ended even when it did not end well (Ctrl-C, a crash).
        if log:
            log.end('stopped' if isinstance(e, KeyboardInterrupt) else 'failed', step, completed)
            log.close()
        raise

    print(f'rank {rank} parameters sha256 {parameter_digest(net)}', flush=True)
    if log:
        log.end(reason, step, completed)
        log.close()
    if world > 1:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
