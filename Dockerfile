# The Ottawa Treaty Bot as a container image.
#
#   docker build -t ottawa-treaty-bot .
#   docker run -d --env-file .env -v ottawa-data:/data ottawa-treaty-bot
#
# The curated facts ship inside the package (the wheel's bot/_knowledge); to serve a curated folder
# instead, mount it and point KNOWLEDGE_DIR at it: -v ./knowledge:/knowledge:ro -e KNOWLEDGE_DIR=/knowledge
# BASE is any Debian-like image with python3 (>= 3.11) and its venv module.
ARG BASE=python:3.12-slim

# --- build: the dependencies in a virtual environment, and the wheel ----------------------------------
FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
WORKDIR /src
# The dependencies first, read from pyproject.toml, so a change to the code or the facts reuses this layer
# (and the final image's copy of it). No bytecode: 60 MB for half a second at start.
COPY pyproject.toml ./
RUN python3 -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && /opt/venv/bin/pip install -r requirements.txt \
    && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} +
COPY README.md LICENSE ./
COPY knowledge ./knowledge
COPY bot ./bot
RUN /opt/venv/bin/pip wheel --no-deps --wheel-dir /wheels .

# --- final: the installed package and nothing else of the source tree -------------------------------
FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATA_DIR=/data \
    HEALTH_PORT=8080 \
    MPLCONFIGDIR=/tmp/matplotlib
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/bot --shell /usr/sbin/nologin bot \
    && mkdir -p /data \
    && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
# The wheel, offline: its dependencies must all be in the environment already.
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-index --no-cache-dir --no-compile --disable-pip-version-check /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels
USER 10001:10001
WORKDIR /home/bot
# The database, the audit log and the misses log.
VOLUME /data
EXPOSE 8080
# GET /healthz answers 200 once the gateway is connected and the facts are loaded, 503 otherwise.
# Python rather than curl: slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTH_PORT', '8080'), timeout=4)"]
CMD ["ottawa-treaty-bot", "run"]
