#!/usr/bin/env python3
"""PyTorch CPU training-throughput benchmark for the makemore-3 MLPs.

One configuration per process (so thread settings and compile caches do not leak):
  python3 tests/reference/bench_pytorch.py --model {mlp,deep} --impl IMPL --threads N [--iters 5000 --warmup 500 --reps 3]
prints one JSON line with it/s for each repetition and full-split eval timings.

models
  mlp  : n_embd=10, n_hidden=200, block_size=3, single tanh hidden layer (C, W1, b1, W2, b2)  -> 11,897 params
  deep : the notebook's "Full Code" net: C + 5x[Linear(no bias)-BN-Tanh] + Linear(no bias)-BN  -> 173,724 params
impls
  notebook         raw tensors + the notebook's loop (randint batch, forward, F.cross_entropy,
                   grad=None, backward, p.data -= lr*p.grad, loss.item() recorded)
  notebook_ud      (deep only) as notebook + the per-iteration update:data log10 ratio tracking
                   that the notebook's 100k loop also does (19 .item() calls per iteration, one per parameter tensor)
  notebook_compile as notebook, but forward+loss is torch.compile'd (backward via AOTAutograd);
                   the SGD update stays eager
  nn_sgd           torch.nn modules (Embedding/Linear/Tanh/BatchNorm1d) + torch.optim.SGD(lr=0.1)
  nn_sgd_foreach   same with SGD(foreach=True)
  nn_compile       nn modules, forward+loss torch.compile'd, and optimizer.step() torch.compile'd too
Batch sampling (torch.randint + indexing) is inside the timed loop in every impl, as in the notebook.
"""
import argparse
import json
import os
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument('--model', choices=['mlp', 'deep'], required=True)
ap.add_argument('--impl', required=True)
ap.add_argument('--threads', type=int, required=True)
ap.add_argument('--iters', type=int, default=5000)
ap.add_argument('--warmup', type=int, default=500)
ap.add_argument('--reps', type=int, default=3)
ap.add_argument('--eval-reps', type=int, default=3)
# The page's default names file (tests/reference/ -> www/names.txt).
ap.add_argument('--data', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'www', 'names.txt'))
args = ap.parse_args()

os.environ.setdefault('OMP_NUM_THREADS', str(args.threads))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(42)
import random  # noqa: E402
random.seed(42)

# ------------------------------------------------------------ data (same as the notebook)
with open(args.data, encoding='utf-8') as f:
    text = f.read().split('\n')
chars = ['.'] + sorted(set(''.join(text)))
stoi = {c: i for i, c in enumerate(chars)}
V = len(chars)
block_size, n_embd, n_hidden, batch_size, lr = 3, 10, 200, 32, 0.1


def build(words):
    X, Y = [], []
    for w in words:
        ctx = [0] * block_size
        for ch in w + '.':
            ix = stoi[ch]
            X.append(ctx)
            Y.append(ix)
            ctx = ctx[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y)


random.shuffle(text)
n1 = int(0.9 * len(text))
Xtr, Ytr = build(text[:n1])
N = Xtr.shape[0]

# ------------------------------------------------------------ notebook-style classes


class Linear:
    def __init__(self, n_in, n_out, bias=True):
        self.weights = torch.randn((n_in, n_out)) / n_in ** 0.5
        self.bias = torch.zeros(n_out) if bias else None

    def __call__(self, x):
        self.out = x @ self.weights
        if self.bias is not None:
            self.out += self.bias
        return self.out

    def parameters(self):
        return [self.weights] + ([] if self.bias is None else [self.bias])


class BatchNorm1D:
    def __init__(self, n_dims, epsilon=1e-5, momentum=1e-1):
        self.epsilon, self.momentum, self.training = epsilon, momentum, True
        self.gamma = torch.ones(n_dims)
        self.beta = torch.zeros(n_dims)
        self.mean = torch.zeros(n_dims)
        self.var = torch.ones(n_dims)

    def __call__(self, x):
        if self.training:
            x_mean = x.mean(0, keepdim=True)
            x_var = x.var(0, keepdim=True)
        else:
            x_mean, x_var = self.mean, self.var
        x_norm = (x - x_mean) / torch.sqrt(x_var + self.epsilon)
        self.out = self.gamma * x_norm + self.beta
        if self.training:
            with torch.no_grad():
                self.mean = (1 - self.momentum) * self.mean + self.momentum * x_mean
                self.var = (1 - self.momentum) * self.var + self.momentum * x_var
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out

    def parameters(self):
        return []


# ------------------------------------------------------------ build the chosen config
impl = args.impl
result = {'model': args.model, 'impl': impl, 'threads': args.threads, 'torch': torch.__version__,
          'torch_get_num_threads': torch.get_num_threads(), 'iters': args.iters, 'warmup': args.warmup,
          'n_train': N, 'loadavg_start': open('/proc/loadavg').read().split()[:3],
          'OMP_WAIT_POLICY': os.environ.get('OMP_WAIT_POLICY'), 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS'),
          'OPENBLAS_CORETYPE': os.environ.get('OPENBLAS_CORETYPE')}

compile_time = None

if impl.startswith('notebook'):
    if args.model == 'mlp':
        C = torch.randn((V, n_embd))
        W1 = torch.randn((block_size * n_embd, n_hidden)) * (5 / 3) / (block_size * n_embd) ** 0.5
        b1 = torch.randn(n_hidden) * 0.01
        W2 = torch.randn((n_hidden, V)) * 0.01
        b2 = torch.randn(V) * 0
        params = [C, W1, b1, W2, b2]

        def forward(xb):
            emb = C[xb]
            emb = emb.view(emb.size(0), -1)
            h = torch.tanh(emb @ W1 + b1)
            return h @ W2 + b2

        def set_training(flag):
            pass
    else:
        C = torch.randn((V, n_embd))
        layers = [Linear(n_embd * block_size, n_hidden, bias=False), BatchNorm1D(n_hidden), Tanh()]
        for _ in range(4):
            layers += [Linear(n_hidden, n_hidden, bias=False), BatchNorm1D(n_hidden), Tanh()]
        layers += [Linear(n_hidden, V, bias=False), BatchNorm1D(V)]
        with torch.no_grad():
            layers[-1].gamma *= 0.1
            for layer in layers[:-1]:
                if isinstance(layer, Linear):
                    layer.weights *= 5 / 3
        params = [C] + [p for layer in layers for p in layer.parameters()]

        def forward(xb):
            emb = C[xb]
            x = emb.view(emb.size(0), -1)
            for layer in layers:
                x = layer(x)
            return x

        def set_training(flag):
            for layer in layers:
                layer.training = flag
    for p in params:
        p.requires_grad = True

    def loss_fn(xb, yb):
        return F.cross_entropy(forward(xb), yb)

    if impl == 'notebook_compile':
        # BN buffers are reassigned python attributes -> dynamo handles them as graph outputs/side effects
        loss_fn = torch.compile(loss_fn, dynamic=False)
    elif impl not in ('notebook', 'notebook_ud'):
        raise SystemExit('unknown impl ' + impl)
    track_ud = impl == 'notebook_ud'
    updates = []

    def step():
        ix = torch.randint(0, N, (batch_size,))
        xb, yb = Xtr[ix], Ytr[ix]
        loss = loss_fn(xb, yb)
        li = loss.item()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        if track_ud:
            with torch.no_grad():
                updates.append([((lr * p.grad).std() / p.data.std()).log10().item() for p in params])
        return li

    def eval_full():
        with torch.no_grad():
            set_training(False)
            out = F.cross_entropy(forward(Xtr), Ytr).item()
            set_training(True)
            return out
    n_params = sum(p.nelement() for p in params)

else:  # torch.nn implementations
    if args.model == 'mlp':
        model = nn.Sequential(nn.Embedding(V, n_embd), nn.Flatten(), nn.Linear(block_size * n_embd, n_hidden),
                              nn.Tanh(), nn.Linear(n_hidden, V))
        with torch.no_grad():
            model[4].weight *= 0.1
            model[4].bias.zero_()
    else:
        mods = [nn.Embedding(V, n_embd), nn.Flatten(),
                nn.Linear(block_size * n_embd, n_hidden, bias=False), nn.BatchNorm1d(n_hidden), nn.Tanh()]
        for _ in range(4):
            mods += [nn.Linear(n_hidden, n_hidden, bias=False), nn.BatchNorm1d(n_hidden), nn.Tanh()]
        mods += [nn.Linear(n_hidden, V, bias=False), nn.BatchNorm1d(V)]
        model = nn.Sequential(*mods)
        with torch.no_grad():
            model[-1].weight *= 0.1
    n_params = sum(p.nelement() for p in model.parameters())
    if impl == 'nn_sgd':
        opt = torch.optim.SGD(model.parameters(), lr=lr)
    elif impl == 'nn_sgd_foreach':
        opt = torch.optim.SGD(model.parameters(), lr=lr, foreach=True)
    elif impl == 'nn_compile':
        opt = torch.optim.SGD(model.parameters(), lr=lr)
    else:
        raise SystemExit('unknown impl ' + impl)

    def loss_fn(xb, yb):
        return F.cross_entropy(model(xb), yb)

    opt_step = opt.step
    if impl == 'nn_compile':
        loss_fn = torch.compile(loss_fn, dynamic=False)
        opt_step = torch.compile(opt.step)

    def step():
        ix = torch.randint(0, N, (batch_size,))
        xb, yb = Xtr[ix], Ytr[ix]
        loss = loss_fn(xb, yb)
        li = loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt_step()
        return li

    eval_model = torch.compile(model, dynamic=False) if impl == 'nn_compile' else model

    def eval_full():
        model.eval()
        with torch.no_grad():
            out = F.cross_entropy(eval_model(Xtr), Ytr).item()
        model.train()
        return out

result['n_params'] = n_params

# ------------------------------------------------------------ timing
t = time.perf_counter()
first = step()
result['first_step_s'] = time.perf_counter() - t   # includes compilation for compiled impls
result['first_loss'] = first
for _ in range(args.warmup - 1):
    step()
ips = []
ipc = []   # iterations per CPU-second of this process (all its threads), to separate out time lost to other load
for r in range(args.reps):
    c = time.process_time()
    t = time.perf_counter()
    for _ in range(args.iters):
        last = step()
    dt = time.perf_counter() - t
    dc = time.process_time() - c
    ips.append(args.iters / dt)
    ipc.append(args.iters / dc)
result['it_per_cpu_s'] = [round(x, 1) for x in ipc]
result['cpu_share'] = [round(a / b, 3) for a, b in zip(ips, ipc)]   # = cpu seconds / wall seconds
result['it_per_s'] = [round(x, 1) for x in ips]
result['it_per_s_min'] = round(min(ips), 1)
result['it_per_s_median'] = round(statistics.median(ips), 1)
result['it_per_s_max'] = round(max(ips), 1)
result['us_per_iter_median'] = round(1e6 / statistics.median(ips), 1)
result['last_minibatch_loss'] = last

t = time.perf_counter()
ev = eval_full()          # warm-up (and compile for nn_compile)
result['eval_first_s'] = time.perf_counter() - t
ets = []
ecs = []
for _ in range(args.eval_reps):
    c = time.process_time()
    t = time.perf_counter()
    ev = eval_full()
    ets.append(time.perf_counter() - t)
    ecs.append(time.process_time() - c)
result['eval_cpu_ms'] = [round(x * 1000, 1) for x in ecs]
result['eval_full_train_s'] = [round(x * 1000, 1) for x in ets]   # milliseconds
result['eval_ms_min'] = round(min(ets) * 1000, 1)
result['eval_ms_median'] = round(statistics.median(ets) * 1000, 1)
result['eval_ms_max'] = round(max(ets) * 1000, 1)
result['eval_loss'] = ev
result['loadavg_end'] = open('/proc/loadavg').read().split()[:3]
print(json.dumps(result), flush=True)
