"""A new tagger re-tags what is stored (nlp/tagging/revision.py, 0016_unit_tagger_revision).

Retrained heads and new verdict cues used to reach only the items analysed after an upgrade; now an item
whose units another tagger wrote (or none recorded, as before the migration) is re-extracted by the next
analysis, and nothing is re-extracted while the tagger stays the same."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from service.models import OpinionUnit, PainPoint
from tests.helpers.journey_backend import TopicBackend
from tests.service.journey_map.test_journey_api import analyse, ingest, seed_items


def _revisions(engine: Engine) -> set[str | None]:
    with Session(engine) as s:
        return {u.tagger_revision for u in s.exec(select(OpinionUnit)).all()}


def test_units_of_another_tagger_are_re_extracted_and_the_same_tagger_extracts_nothing(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, topic_backend: TopicBackend
) -> None:
    topic_backend.tagger_revision = "rev-1"
    items = seed_items()[:40]
    ingest(client, auth_headers, items)
    analyse(client, auth_headers)
    assert _revisions(engine) == {"rev-1"}
    extracted = sum(n for n in topic_backend.calls if n > 0)
    assert extracted == len(items)

    analyse(client, auth_headers)  # the same tagger: nothing to extract again
    assert sum(n for n in topic_backend.calls if n > 0) == extracted

    with Session(engine) as s:
        pp = next(p for p in s.exec(select(PainPoint)).all() if p.size > 0)
        pp.owner = "cx-team"  # a person works on it: it must survive the re-tagging
        s.add(pp)
        s.commit()
        owned = pp.id
    topic_backend.tagger_revision = "rev-2"  # an upgrade: new heads or cue shifts
    analyse(client, auth_headers)
    assert _revisions(engine) == {"rev-2"}
    assert sum(n for n in topic_backend.calls if n > 0) == 2 * extracted
    with Session(engine) as s:
        kept = s.get(PainPoint, owned)
        assert kept is not None and kept.owner == "cx-team"

    with Session(engine) as s:  # units written before the migration record no tagger
        s.execute(update(OpinionUnit).values(tagger_revision=None))
        s.commit()
    analyse(client, auth_headers)
    assert _revisions(engine) == {"rev-2"}
    assert sum(n for n in topic_backend.calls if n > 0) == 3 * extracted


def test_a_backend_without_a_revision_compares_none(
    client: TestClient, auth_headers: dict[str, str], engine: Engine, topic_backend: TopicBackend
) -> None:
    """No tagger (provisional tags) or a backend that does not track one: stored revisions are left alone."""
    topic_backend.tagger_revision = "rev-1"
    ingest(client, auth_headers, seed_items()[:10])
    analyse(client, auth_headers)
    topic_backend.tagger_revision = None
    analyse(client, auth_headers)
    assert sum(n for n in topic_backend.calls if n > 0) == 10
    assert _revisions(engine) == {"rev-1"}
