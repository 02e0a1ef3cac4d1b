# reminder-bot container image. See docs/self-hosting.md for build and run commands.
#
# Public base images can't be pulled on the project's build machines: there, build on the local
# one from /work/shared/scripts/container-base-image (Debian bookworm's python3, 3.11):
#   docker build --network host --build-arg BASE_IMAGE=local/python-base:bookworm -t reminder-bot .
# No `# syntax=` line on purpose: it would make BuildKit pull a frontend image.
ARG BASE_IMAGE=python:3.12-slim-bookworm

# ---- build: a virtualenv with the bot and its dependencies -------------------------------------
FROM ${BASE_IMAGE} AS build
# pip trusts the CA bundle named by PIP_CERT when the base sets it (the local base does).
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
# hatch_build.py compiles the translation catalogues (.po -> .mo) into the wheel pip builds.
COPY pyproject.toml README.md hatch_build.py ./
COPY reminder_bot ./reminder_bot
COPY schedules ./schedules
# pip compiles the .pyc files here, so the read-only venv starts fast at run time. pip and
# setuptools are only needed to install: they leave the venv.
RUN python3 -m venv /opt/reminder-bot \
    && /opt/reminder-bot/bin/pip install ".[replication]" \
    && /opt/reminder-bot/bin/reminder-bot --version \
    && /opt/reminder-bot/bin/pip uninstall --yes pip setuptools \
    && rm -rf /opt/reminder-bot/bin/[Aa]ctivate* /opt/reminder-bot/bin/pip*
# Babel ships CLDR data for ~1,150 locales (36 MB); the bot only ever loads the languages it
# speaks (i18n.LANGUAGES, each with its regional variants) and `root`. The rest goes, and each
# kept language is then loaded once, so a pruned file that is still needed fails the build.
RUN /opt/reminder-bot/bin/python -c "import babel, pathlib; \
from reminder_bot.i18n import LANGUAGES; \
data = pathlib.Path(babel.__file__).parent / 'locale-data'; \
[f.unlink() for f in data.glob('*.dat') if f.stem != 'root' and f.stem.split('_')[0] not in LANGUAGES]" \
    && /opt/reminder-bot/bin/python -c "import datetime; from babel.dates import format_datetime; \
from reminder_bot import i18n; \
[print(lang, i18n.language_name(lang), format_datetime(datetime.datetime(2026, 3, 2, 9), \
 locale=i18n._babel_locale(lang))) for lang in i18n.LANGUAGES]"
# matplotlib (/stats charts) and numpy ship their own test suites (~25 MB) and matplotlib its
# sample data, none of which the bot loads. They go; then a chart is drawn once, so a pruned
# file that is still needed fails the build.
RUN site=$(/opt/reminder-bot/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])") \
    && rm -rf "$site/matplotlib/tests" "$site/matplotlib/mpl-data/sample_data" \
    && find "$site/numpy" -type d -name tests -prune -exec rm -rf {} + \
    && MPLCONFIGDIR=/tmp/mpl /opt/reminder-bot/bin/python -c "from datetime import date; \
from reminder_bot.charts import HabitPanel, render; from reminder_bot.progress import DayTally; \
png = render([HabitPanel('move', 'Move', [DayTally(date(2026, 3, 2), 2, 1)])], 'Last days', str, \
 ('sent', 'done')); assert png.startswith(b'\x89PNG'); print('chart', len(png), 'bytes')" \
    && rm -rf /tmp/mpl

# ---- rootfs: the base, trimmed, with tini and the unprivileged user -----------------------------
FROM ${BASE_IMAGE} AS rootfs
# tini runs as PID 1 and forwards signals: the kernel ignores a SIGTERM sent to a PID 1 that has no
# handler, so without it a `docker stop` during the bot's first second (imports, before the bot
# installs its handlers) would wait 10 s for SIGKILL.
# A Debian python3 base carries pip/venv packages and apt's lists and caches; none is needed to run.
# Deleting them in a layer on top would not shrink the image, hence the copy into `scratch` below.
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tini >/dev/null; \
    if dpkg -s python3-pip >/dev/null 2>&1; then \
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --auto-remove \
            python3-pip python3-venv >/dev/null; \
    fi; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/log/* \
        /usr/share/doc/* /usr/share/man/* /usr/share/info/* /root/.cache; \
    groupadd --gid 10001 reminder; \
    useradd --uid 10001 --gid 10001 --home-dir /data --no-create-home --no-log-init \
        --shell /usr/sbin/nologin reminder; \
    mkdir -p /data; \
    chown 10001:10001 /data; \
    chmod 0750 /data

# ---- the image ---------------------------------------------------------------------------------
FROM scratch
COPY --from=rootfs / /
COPY --from=build /opt/reminder-bot /opt/reminder-bot
# `FROM scratch` keeps no ENV from the base: set everything the bot needs here.
ENV PATH=/opt/reminder-bot/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REMINDER_BOT_DATABASE=/data/reminder-bot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib

# The bot never needs root: it only writes its SQLite file (and its -wal/-shm) under /data.
# A bind-mounted folder must be writable by uid 10001 (or run with --user "$(id -u):$(id -g)").
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]

# The bot shuts down cleanly on SIGTERM (docker stop) and SIGINT: it stops polling, closes the
# database (checkpointing the WAL) and exits 0. tini passes the signal on and the exit code back.
STOPSIGNAL SIGTERM
# `reminder-bot healthcheck` (no token needed) reads the heartbeat the bot writes every 30 s and
# the time of its last answered getUpdates from the database; it fails, with one line saying
# why, when either is too old (REMINDER_BOT_HEALTH_MAX_AGE, ..._POLL_MAX_AGE) or /data is not
# writable. `docker inspect --format '{{json .State.Health}}' reminder-bot` shows that line.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["reminder-bot", "healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "reminder-bot"]
CMD ["run"]
