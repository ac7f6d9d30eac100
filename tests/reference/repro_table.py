"""Prints the README's reproduction table from the headless runner's JSON lines.

Usage: for p in lr-finder embed-2d naive fix-softmax fix-tanh kaiming batchnorm deep; do
         cargo run --release -- run --preset $p --json; done > runs.jsonl
       python3 tests/reference/repro_table.py runs.jsonl
PyTorch's numbers are pytorch.md's reference run (seeds 42/42, the notebook top to bottom); for
`kaiming`, which the notebook never trains alone, tests/reference/pytorch_mlp.py with seed 42.
"""
import json, sys

# preset: (train, val, first loss) from the PyTorch reference run (pytorch.md of the reference notes)
PYTORCH = {
    "embed-2d": (2.3538, 2.3594, 24.7498),  # first loss: the sweep's step 0, as ours counts the sweep
    "naive": (2.3190, 2.3356, 32.5382),
    "fix-softmax": (2.2093, 2.2605, 3.2887),
    "fix-tanh": (2.1327, 2.1874, 3.2808),
    "kaiming": (2.1487, 2.2042, 3.2934),
    "batchnorm": (2.0962, 2.1249, 3.3008),
    "deep": (2.0160, 2.0781, 3.2975),
}

runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
print("| preset | steps | params | first loss (PyTorch) | train (PyTorch) | val (PyTorch) | |train diff| | |val diff| |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
worst = 0.0
for r in runs:
    p = r["preset"]
    if p == "lr-finder":
        s = r.get("lr_suggestion", {})
        print(f"| lr-finder | {r['steps']} | {r['params']} | {r['initial_loss']:.2f} (24.75) | knee: lr {s.get('lr', float('nan')):.3f}, "
              f"smoothed {s.get('smoothed_loss', float('nan')):.3f} (lr 0.081, 3.597) | | | |")
        continue
    tr, va, first = PYTORCH[p]
    dt, dv = abs(r["train_loss"] - tr), abs(r["val_loss"] - va)
    worst = max(worst, dt, dv)
    first_note = f"{r['initial_loss']:.2f} ({first:.2f})"
    print(f"| {p} | {r['steps']:,} | {r['params']:,} | {first_note} | {r['train_loss']:.4f} ({tr:.4f}) | {r['val_loss']:.4f} ({va:.4f}) | {dt:.4f} | {dv:.4f} |")
print(f"\nLargest difference from PyTorch: {worst:.4f} (limit 0.05).")
