from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from nlp.tagging.taxonomy import DEFAULT_TOUCHPOINTS, load_default_taxonomy, parse_taxonomy


def _doc() -> dict[str, Any]:
    return copy.deepcopy(load_default_taxonomy().model_dump(mode="json"))


def test_default_taxonomy_has_the_journey_in_order_and_touchpoints() -> None:
    tax = load_default_taxonomy()
    assert tax.stage_ids == [
        "discovery",
        "consideration",
        "purchase",
        "delivery",
        "usage",
        "support",
        "retention",
        "advocacy",
    ]
    assert tuple(t.id for t in tax.touchpoints) == DEFAULT_TOUCHPOINTS
    for stage in tax.stages:
        assert stage.label.fr and stage.label.en and stage.description.fr and stage.description.en
        assert stage.examples.fr and stage.examples.en
    assert tax.stage_order()["purchase"] < tax.stage_order()["support"]


def _errors(doc: dict[str, Any]) -> set[tuple[str, str]]:
    with pytest.raises(ValidationError) as exc:
        parse_taxonomy(doc)
    return {(".".join(str(p) for p in e["loc"]), e["type"]) for e in exc.value.errors()}


def test_duplicate_stage_and_touchpoint_ids_are_rejected() -> None:
    doc = _doc()
    doc["stages"][1]["id"] = "discovery"
    assert ("stages", "value_error") in _errors(doc)
    doc = _doc()
    doc["touchpoints"][1]["id"] = "web"
    assert ("touchpoints", "value_error") in _errors(doc)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["stages"][0]["label"].pop("fr"), ("stages.0.label.fr", "missing")),
        (
            lambda d: d["stages"][0]["description"].update(en="  "),
            ("stages.0.description.en", "string_too_short"),
        ),
        (lambda d: d["stages"][2]["examples"].update(fr=[]), ("stages.2.examples.fr", "too_short")),
        (
            lambda d: d["stages"][2]["examples"].update(en=["ok", " "]),
            ("stages.2.examples.en", "value_error"),
        ),
        (lambda d: d["stages"][3].update(id="Delivery Stage"), ("stages.3.id", "string_pattern_mismatch")),
        (lambda d: d["stages"][3].update(id="unknown"), ("stages.3.id", "value_error")),
        (lambda d: d.update(stages=d["stages"][:1]), ("stages", "too_short")),
        (lambda d: d["stages"][0].update(colour="red"), ("stages.0.colour", "extra_forbidden")),
    ],
)
def test_each_rule_names_its_field(mutate: Any, expected: tuple[str, str]) -> None:
    doc = _doc()
    mutate(doc)
    assert expected in _errors(doc)


def test_fingerprint_changes_with_content() -> None:
    a = load_default_taxonomy()
    doc = _doc()
    doc["stages"][0]["examples"]["en"].append("Saw you on a billboard")
    assert parse_taxonomy(doc).fingerprint() != a.fingerprint()
    assert parse_taxonomy(_doc()).fingerprint() == a.fingerprint()
