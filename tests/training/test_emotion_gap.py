"""training.emotion_gap's gate variants on hand-made probabilities (no models)."""

from __future__ import annotations

import numpy as np

from training.emotion_gap import contradictions, gated, soft_gated

CLASSES = ("anger", "delight", "disappointment", "trust")  # negative, positive, negative, positive


def test_soft_gate_can_cross_the_polarity_the_hard_gate_keeps() -> None:
    # sentiment leans negative (0.55 vs 0.40) but the emotion head is sure of delight
    p_sent = np.array([[0.55, 0.05, 0.40], [0.1, 0.8, 0.1]])
    p_emo = np.array([[0.05, 0.85, 0.05, 0.05], [0.1, 0.7, 0.1, 0.1]])
    assert gated(p_sent, p_emo, CLASSES) == ["anger", "none"]  # hard gate: best negative emotion
    assert soft_gated(p_sent, p_emo, CLASSES, 1.0) == ["joy", "none"]  # delight → joy; neutral unit: none
    # a steep gamma brings the sentiment's polarity back
    assert soft_gated(p_sent, p_emo, CLASSES, 40.0) == ["anger", "none"]


def test_contradictions_count_polar_units_only() -> None:
    p_sent = np.array([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1]])
    emotion_polarity = np.array([1, 1, -1, -1])  # unit 0 contradicts; unit 2 is neutral: 1 of 4 units
    assert contradictions(p_sent, emotion_polarity) == 0.25
