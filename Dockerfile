# Frictionmap API image: slim Python 3.11, non-root, migrations then uvicorn, health-checked on /healthz.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FRICTIONMAP_DATA_DIR=/data \
    DATABASE_URL=sqlite:////data/frictionmap.db \
    FRICTIONMAP_HOST=0.0.0.0 \
    FRICTIONMAP_PORT=8000

RUN useradd --create-home --uid 10001 frictionmap \
 && mkdir -p /data && chown frictionmap:frictionmap /data

WORKDIR /app
# Only these paths are needed; .dockerignore keeps .venv, data, caches, .git, tests and docs out of the context.
COPY pyproject.toml README.md alembic.ini ./
COPY service ./service
COPY nlp ./nlp
COPY training ./training
COPY migrations ./migrations
# torch is pinned to a CPU build in pyproject.toml; the extra index keeps pip from pulling CUDA wheels.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu . \
 && python -c "import service.cli, nlp.text.redaction, nlp.text.language"

USER frictionmap
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('FRICTIONMAP_PORT', '8000'), timeout=4)" || exit 1

CMD ["sh", "-c", "frictionmap migrate && exec frictionmap serve"]
