from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.settings import Settings
from tests.service.themes.test_names_api import NamingBackend


@pytest.fixture
def naming_backend(settings: Settings) -> Iterator[NamingBackend]:
    """``NamingBackend`` in place of the pipeline (fast, deterministic), restored afterwards."""
    from service.analysis import backend_factory as backend_mod
    from service.queue import use_settings

    backend = NamingBackend()
    backend_mod.set_backend_factory(lambda _s: backend)
    use_settings(settings)
    yield backend
    backend_mod.set_backend_factory(None)
