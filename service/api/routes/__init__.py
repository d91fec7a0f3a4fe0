"""One router per resource. Every module here that defines ``router`` is mounted by ``service.main``:
under ``/v1`` unless the module sets ``MOUNT_PREFIX`` (health probes sit at the root). A module may define
``TAGS = [{"name": ..., "description": ...}]`` to document its OpenAPI tags."""
