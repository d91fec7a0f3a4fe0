"""Shared HTTP pieces: dependencies, the one error shape (``errors``), pagination, body limits, health."""
