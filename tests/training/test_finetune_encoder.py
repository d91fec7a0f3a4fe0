"""The fine-tuned encoder measurement: its data split, its metrics and its training step."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from bench.sentiment_data import message_form
from training.finetune_encoder import (
    Classifier,
    batches,
    held_out_sets,
    load_classifier,
    metrics,
    minilm_path,
    neutral_shift,
    predict,
    shifted,
    task_data,
    train,
)
from training.sentiment_real import is_dev

LABELS = ["anger", "joy", "neutral", "surprise", "joy;sadness", "fear;disgust", "trust"]


def _xed(tmp_path: Path) -> Path:
    folder = tmp_path / "xed_en_emotion"
    folder.mkdir()
    for split, n in (("train", 140), ("test", 35)):
        rows = "\n".join(f"{split}{i},{split} line {i},{LABELS[i % len(LABELS)]},en" for i in range(n))
        (folder / f"{split}.csv").write_text("id,text,label,lang\n" + rows + "\n")
    return tmp_path


def test_fit_and_dev_come_from_train_disjoint_and_stable(tmp_path: Path) -> None:
    root = _xed(tmp_path)
    data = task_data("xed-en3", root)
    again = task_data("xed-en3", root)
    assert data == again
    fit, dev = {t for t, _ in data.fit}, {t for t, _ in data.dev}
    assert fit and dev and not fit & dev
    assert all(is_dev(t) for t in dev) and not any(is_dev(t) for t in fit)
    assert all(t.startswith("train") for t in fit | dev)
    # mixed (joy;sadness) and surprise lines are not in the 3-class proxy: 5 of every 7 labels are
    assert len(fit) + len(dev) == 100
    assert {y for _, y in data.fit + data.dev} == {"negative", "neutral", "positive"}
    sub = task_data("xed-en3", root, max_fit=10)
    assert len(sub.fit) == 10 and set(sub.fit) <= set(data.fit) and sub.dev == data.dev


def test_test_rows_are_the_benchmarks_and_message_form_keeps_labels(tmp_path: Path) -> None:
    sets = held_out_sets("xed-en3", _xed(tmp_path))
    clean, messages = sets["clean"], sets["message form"]
    assert len(clean) == 25 and all(t.startswith("test") for t, _ in clean)
    assert dict(clean)["test line 0"] == "negative" and dict(clean)["test line 5"] == "negative"
    assert dict(clean)["test line 2"] == "neutral" and dict(clean)["test line 6"] == "positive"
    assert [y for _, y in messages] == [y for _, y in clean]
    assert [t for t, _ in messages] == [message_form(t) for t, _ in clean]
    assert [t for t, _ in sets["message form, addressing stripped"]] == [t for t, _ in clean]


def test_metrics_three_class_and_polar() -> None:
    truth = ["negative", "negative", "neutral", "neutral", "positive", "positive"]
    pred = ["negative", "neutral", "neutral", "positive", "positive", "negative"]
    m = metrics(("negative", "neutral", "positive"), truth, pred)
    assert m["neg-vs-pos accuracy (neutral verdict = miss)"] == 0.5  # 2 of 4 polar lines right
    assert m["neg-vs-pos accuracy among lines called polar"] == round(2 / 3, 4)
    assert m["neutral lines kept neutral"] == 0.5
    assert m["3-class macro-F1"] == 0.5
    assert m["polar macro-F1"] == 0.5833  # polar truths only: negative F1 1/2, positive F1 2/3 (P 1, R 1/2)
    polar = metrics(("negative", "positive"), ["negative", "positive"], ["negative", "negative"])
    assert set(polar) == {"polar macro-F1"} and polar["polar macro-F1"] == round((2 / 3) / 2, 4)


def test_neutral_shift_is_chosen_on_the_given_rows_and_only_with_a_neutral_class() -> None:
    labels = ("negative", "neutral", "positive")
    # neutral lines score neutral 0.5 below the polar logit: argmax calls them polar, a shift fixes it
    logits = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 2.0], [1.0, 0.5, 0.0], [0.0, 0.5, 1.0]], dtype=np.float32)
    truth = ["negative", "positive", "neutral", "neutral"]
    assert shifted(labels, logits, 0.0) == ["negative", "positive", "negative", "positive"]
    shift = neutral_shift(labels, logits, truth)
    assert 0.5 < shift < 1.5 and shifted(labels, logits, shift) == truth
    assert (
        neutral_shift(
            ("negative", "positive"), logits[:, :2], ["negative", "positive", "negative", "negative"]
        )
        == 0.0
    )


def test_batches_cover_every_row_once_with_similar_lengths() -> None:
    lengths = [random.Random(3).randint(1, 60) for _ in range(500)]
    plan = batches(lengths, 16, random.Random(1))
    assert sorted(i for b in plan for i in b) == list(range(500))
    assert plan == batches(lengths, 16, random.Random(1))
    assert all(len(b) <= 16 for b in plan)


@pytest.fixture(scope="module")
def model() -> Classifier:
    torch.set_num_threads(1)
    return load_classifier(3, 1, 32, seed=5)


def test_split_forward_is_the_pipelines_encoder(model: Classifier) -> None:
    from sentence_transformers import SentenceTransformer

    texts = ["The parcel never arrived.", "ok", "Thanks, the agent was really helpful and quick!"]
    states = model.bottom(texts)
    assert [int(s.shape[0]) for s in states] == [len(x) for x in model.tokenizer(texts)["input_ids"]]
    pooled: list[torch.Tensor] = []
    hook = model.head.register_forward_hook(lambda _m, inp, _out: pooled.append(inp[0]))
    model.eval()
    with torch.inference_mode():
        model.top(states)
    ours = nn.functional.normalize(pooled[0], dim=1).numpy()
    ref = SentenceTransformer(minilm_path(), device="cpu").encode(texts, normalize_embeddings=True)
    assert np.abs(ours - ref).max() < 1e-4
    hook.remove()


def test_two_steps_lower_the_loss_and_touch_only_the_top(model: Classifier) -> None:
    texts = ["I hate this, terrible service", "It is a table", "Wonderful, thank you so much", "Awful delay"]
    y = [0, 1, 2, 0]
    states = model.bottom(texts)
    frozen = model.bert.encoder.layer[0].attention.self.query.weight.clone()
    top = model.bert.encoder.layer[-1].output.dense.weight.clone()

    def loss() -> float:
        model.eval()
        with torch.inference_mode():
            return float(nn.functional.cross_entropy(model.top(states), torch.tensor(y)))

    before = loss()
    losses = train(model, states, y, epochs=2, lr=1e-3, batch=4, seed=1)
    assert len(losses) == 2
    assert loss() < before - 0.01
    assert torch.equal(model.bert.encoder.layer[0].attention.self.query.weight, frozen)
    assert not torch.equal(model.bert.encoder.layer[-1].output.dense.weight, top)
    assert predict(model, states).shape == (4, 3)
    with pytest.raises(ValueError):
        load_classifier(2, 7, 32, seed=1)


def test_hybrid_keeps_the_pipelines_neutral_and_takes_the_fine_tuned_sign() -> None:
    from training.finetune_hybrid import hybrid

    logits = np.array([[2.0, 5.0, 0.0], [0.0, 5.0, 1.0], [3.0, 0.0, 1.0], [0.0, 9.0, 1.0]], dtype=np.float32)
    pipeline = ["negative", "negative", "positive", "neutral"]
    # the neutral logit never decides; the pipeline's sign never survives a polar verdict
    assert hybrid(pipeline, logits) == ["negative", "positive", "negative", "neutral"]
