# A first working image; the "Self-hosting" issue hardens it (compose, healthcheck).
# Here public base images can't be pulled: build on the local one from
# ../shared/scripts/container-base-image with --build-arg BASE_IMAGE=local/python-base:bookworm.
ARG BASE_IMAGE=python:3.12-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REMINDER_BOT_DATABASE=/data/reminder-bot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY reminder_bot ./reminder_bot
COPY schedules ./schedules
RUN python3 -m venv /opt/reminder-bot \
    && /opt/reminder-bot/bin/pip install --no-cache-dir . \
    && rm -rf /app/build
ENV PATH=/opt/reminder-bot/bin:$PATH

# The bot never needs root: it only writes its SQLite file under /data.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin reminder \
    && mkdir -p /data && chown reminder /data
USER reminder
VOLUME ["/data"]
WORKDIR /data

ENTRYPOINT ["reminder-bot"]
CMD ["run"]
