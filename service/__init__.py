"""Frictionmap service: FastAPI app, storage, queue, importers."""

__version__ = "0.1.0"
