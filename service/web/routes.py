"""The web app's pages, mounted at ``/`` (``MOUNT_PREFIX``); kept out of the OpenAPI document.

Each page module holds one area (sign-in, overview, pain points, journey map, compare, sources and jobs,
settings); this module lists them, like ``service.main._routers`` lists the API's.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from service.web import admin_pages, journey_pages, overview_pages, pain_point_pages, session_routes

MOUNT_PREFIX = ""
TAGS: list[dict[str, str]] = []
STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/assets"

router = APIRouter(include_in_schema=False)
for module in (session_routes, overview_pages, pain_point_pages, journey_pages, admin_pages):
    router.include_router(module.router)
