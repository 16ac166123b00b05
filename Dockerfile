# Image of the nba_platform code location: a Dagster+ hybrid code location (dagster_cloud.yaml) or the
# self-hosted webserver/daemon/code server (deploy/dagster-prod.yaml as $DAGSTER_HOME/dagster.yaml).
# Not built in this repository's CI (no container runtime there); see docs/runbook.md, "Deploy".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NBA_PLATFORM_ENV=prod \
    DAGSTER_HOME=/opt/dagster/dagster_home

# LightGBM links the OpenMP runtime.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/dagster/app
# The exact set tested with (deploy/image.lock: runtime + prod + cloud extras, held to the versions of
# requirements.lock by `make lock`), then the project without resolving again.
# prod: Postgres instance storage; cloud: the Dagster+ agent's entry points.
COPY deploy/image.lock ./deploy/image.lock
RUN pip install -r deploy/image.lock
COPY pyproject.toml setup.py README.md ./
COPY nba_platform ./nba_platform
RUN pip install --no-deps .
COPY sql ./sql
COPY deploy/dagster-prod.yaml /opt/dagster/dagster_home/dagster.yaml
COPY workspace.yaml dagster_cloud.yaml ./

# The code server the webserver/daemon (or the Dagster+ agent) talk to.
EXPOSE 4000
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "nba_platform.definitions"]
