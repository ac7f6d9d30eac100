"""PyTorch runs of the notebook's one-hidden-layer MLP (n_embd 10, n_hidden 200), one init at a time.

`kaiming` is the init the notebook defines but never trains on its own (W_hidden * (5/3)/sqrt(30),
b_hidden * 0.01, W_out * 0.01, b_out * 0); `naive`, `fix-softmax` and `fix-tanh` are stages 3-5, run
here from a fresh seed to measure the seed-to-seed spread that one reference run cannot show.
Each: data (random.shuffle, 90/10 split), 100,000 steps, batch 32, lr 0.1, then split_loss.
Usage: python3 tests/reference/pytorch_mlp.py NAMES_FILE INIT SEED [STEPS]; prints one JSON line.
"""
import json, random, sys, time
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
names_file, init, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
max_iters = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
random.seed(seed)
torch.manual_seed(seed)
text = [w for w in open(names_file, encoding="utf-8").read().split("\n") if w]
chars = ["."] + sorted(set("".join(text)))
stoi = {c: i for i, c in enumerate(chars)}
block_size, n_embd, n_hidden, vocab_size = 3, 10, 200, len(chars)

def build(words):
    X, Y = [], []
    for w in words:
        ctx = [0] * block_size
        for ch in w + ".":
            X.append(ctx); Y.append(stoi[ch]); ctx = ctx[1:] + [stoi[ch]]
    return torch.tensor(X), torch.tensor(Y)

random.shuffle(text)
split = int(len(text) * 0.9)
Xtr, Ytr = build(text[:split]); Xva, Yva = build(text[split:])
C = torch.randn((vocab_size, n_embd))
w1_scale, b1_scale, w2_scale, b2_scale = {
    "naive": (1.0, 1.0, 1.0, 1.0),
    "fix-softmax": (1.0, 1.0, 0.01, 0.0),
    "fix-tanh": (0.2, 0.01, 0.01, 0.0),
    "kaiming": ((5 / 3) / (block_size * n_embd) ** 0.5, 0.01, 0.01, 0.0),
}[init]
W1 = torch.randn((block_size * n_embd, n_hidden)) * w1_scale
b1 = torch.randn(n_hidden) * b1_scale
W2 = torch.randn((n_hidden, vocab_size)) * w2_scale
b2 = torch.randn(vocab_size) * b2_scale
params = [C, W1, b1, W2, b2]
for p in params:
    p.requires_grad = True

def forward(x):
    h = torch.tanh(C[x].view(x.shape[0], -1) @ W1 + b1)
    return h, h @ W2 + b2

t0 = time.time()
first = None
for i in range(max_iters):
    ix = torch.randint(0, Xtr.shape[0], (32,))
    h, logits = forward(Xtr[ix])
    loss = F.cross_entropy(logits, Ytr[ix])
    if i == 0:
        first = (loss.item(), (h.abs() > 0.99).float().mean().item())
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= 0.1 * p.grad
with torch.no_grad():
    tr = F.cross_entropy(forward(Xtr)[1], Ytr).item()
    va = F.cross_entropy(forward(Xva)[1], Yva).item()
print(json.dumps({"preset": init, "framework": "pytorch " + torch.__version__, "seed": seed, "steps": max_iters,
                  "initial_loss": first[0], "saturation_at_init": first[1], "train_loss": tr, "val_loss": va,
                  "seconds": round(time.time() - t0, 1)}))
