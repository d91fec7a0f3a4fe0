"""HTTP layer: dependencies, error shape, routers (one module per resource under ``routes/``)."""
