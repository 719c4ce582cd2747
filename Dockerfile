# syntax=docker/dockerfile:1
# Tryghed in a container: `docker build -t tryghed .`, then see docs/operations.md.
#
# Stage 1 installs the package (no dev dependencies) into a virtual environment of its own;
# stage 2 copies only that environment into a slim image that runs as a non-root user.

ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

# Every dependency ships wheels for this Python, so no compiler is needed. The venv lives at
# the same path in both stages, so its scripts' shebangs stay right after the copy.
RUN python -m venv /opt/tryghed

WORKDIR /src
# .dockerignore lets in only pyproject.toml, README.md and the packages.
COPY . .
RUN /opt/tryghed/bin/python -m pip install --no-cache-dir . \
    && /opt/tryghed/bin/tryghed content check


FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="Tryghed" \
      org.opencontainers.image.description="Psychological-safety pulse surveys in Slack and Microsoft Teams" \
      org.opencontainers.image.licenses="MIT"

# A fixed uid/gid, so a bind-mounted /data can be given to it: chown 10001:10001 DIR.
RUN groupadd --system --gid 10001 tryghed \
    && useradd --system --uid 10001 --gid tryghed --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin tryghed \
    && mkdir /data \
    && chown tryghed:tryghed /data

COPY --from=builder /opt/tryghed /opt/tryghed

# SQLite by default, kept with its generated secret key (tryghed.db.key) in /data; set
# TRYGHED_DATABASE_URL to a PostgreSQL URL (and TRYGHED_SECRET_KEY) for production.
# HOME: slack_sdk asks for a home directory when it is imported, whatever the uid.
ENV PATH=/opt/tryghed/bin:$PATH \
    HOME=/data \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TRYGHED_DATABASE_URL=sqlite+aiosqlite:////data/tryghed.db \
    TRYGHED_HOST=0.0.0.0 \
    TRYGHED_PORT=3978 \
    TRYGHED_LOG_FORMAT=json

WORKDIR /data
VOLUME ["/data"]
USER 10001:10001

EXPOSE 3978

# There is no curl in the slim image: the standard library asks /healthz instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('TRYGHED_PORT', '3978'), timeout=4)"]

# serve stops cleanly on SIGTERM: it finishes the act in flight and closes the pool.
STOPSIGNAL SIGTERM
ENTRYPOINT ["tryghed"]
CMD ["serve"]
