"""Background tasks, one module per area (analysis, imports, webhooks...).

Every module here is imported by ``service.queue.load_task_modules()`` when a consumer starts, so a task or a
hook registered at import time is always known to the worker. Decorate with ``@huey.task()`` from
``service.queue``.
"""
