#!/usr/bin/env python3
"""Rebuild the notebook's model from a makemore-lab weights file alone and score a names file.

    python3 tests/reference/load_weights.py model.safetensors names.txt
    -> {"loss": 2.0832, "examples": 228146}

Only numpy and safetensors: the layers come from the metadata's `layout` (Linear, BatchNorm1d,
Tanh, Identity; `layers.{i}.*` numbered as the notebook's `enumerate(layers)`), the examples from
the notebook's build_dataset (every prefix of a name, padded with block_size boundary indices 0,
predicts the next character; the whole name predicts 0), and the loss is the mean cross-entropy
over every example, BatchNorm in eval mode (running statistics). Computed in float64.
"""

import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

FORMAT = "makemore-lab weights v1"


def read_names(path):
    """One name per line (LF, CRLF or CR), surrounding whitespace trimmed, blank lines dropped."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [w.strip() for w in lines if w.strip()]


def build_dataset(words, stoi, block_size):
    X, Y = [], []
    for word in words:
        context = [0] * block_size
        for ix in [stoi[ch] for ch in word] + [0]:
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return np.array(X, dtype=np.int64), np.array(Y, dtype=np.int64)


def main(weights_path, names_path):
    with safe_open(weights_path, framework="numpy") as f:
        meta = f.metadata()
    assert meta.get("format") == FORMAT, f"not a {FORMAT!r} file: {meta.get('format')!r}"
    t = {k: v.astype(np.float64) for k, v in load_file(weights_path).items()}

    itos = json.loads(meta["vocab"])  # itos[0] is the boundary's mark, not a character
    stoi = {ch: i for i, ch in enumerate(itos) if i > 0}
    block_size = int(meta["block_size"])
    eps = float(meta.get("eps", "0"))

    layers = []
    for i, kind in enumerate(meta["layout"].split(",")):
        p = f"layers.{i}."
        if kind == "Linear":
            W, b = t[p + "weight"], t.get(p + "bias")  # W is (n_in, n_out): x @ W
            layers.append(lambda x, W=W, b=b: x @ W + (0 if b is None else b))
        elif kind == "BatchNorm1d":
            g, beta, mean, var = (t[p + n] for n in ("gamma", "beta", "running_mean", "running_var"))
            layers.append(lambda x, g=g, beta=beta, mean=mean, var=var:
                          g * (x - mean) / np.sqrt(var + eps) + beta)
        elif kind == "Tanh":
            layers.append(np.tanh)
        elif kind == "Identity":
            layers.append(lambda x: x)
        else:
            raise ValueError(f"unknown layer {kind!r} in the layout")

    X, Y = build_dataset(read_names(names_path), stoi, block_size)
    total = 0.0
    for s in range(0, len(Y), 8192):
        x = t["C"][X[s:s + 8192]].reshape(len(X[s:s + 8192]), -1)
        for layer in layers:
            x = layer(x)
        top = x.max(axis=1, keepdims=True)
        logsumexp = top[:, 0] + np.log(np.exp(x - top).sum(axis=1))
        total += (logsumexp - x[np.arange(len(x)), Y[s:s + 8192]]).sum()
    print(json.dumps({"loss": total / len(Y), "examples": len(Y)}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: load_weights.py WEIGHTS.safetensors NAMES.txt")
    main(sys.argv[1], sys.argv[2])
