"""Test-only worker entry point: ``python -m tests.helpers.analysis_worker worker`` is ``frictionmap worker``
with the deterministic ``tests.helpers.journey_backend.TopicBackend`` in place of the nlp/ pipeline, so crash
tests can
run a real worker process in seconds without models. Never used by production code."""

from __future__ import annotations

from service.analysis import backend_factory as backend_mod
from service.cli import app
from tests.helpers.journey_backend import TopicBackend


def main() -> None:
    backend = TopicBackend()
    backend_mod.set_backend_factory(lambda _s: backend)
    app()


if __name__ == "__main__":
    main()
