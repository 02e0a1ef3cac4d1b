"""``reminder-bot backup PATH`` and ``reminder-bot restore PATH``, and the lock a running bot
holds on its database (``<database>.lock``) so a restore can never pull the file from under it.

A backup uses SQLite's online backup API: a consistent copy even while the bot writes (WAL).
Both commands write a temporary file next to the target and ``os.replace`` it into place, so
the target is always either the old file or the complete new one."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from reminder_bot import config

TABLES = ("users", "schedules", "deliveries")
MIGRATIONS_TABLE = "_sqlite_migrations"


class BackupError(Exception):
    """What was wrong and how to fix it, in one line."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def database_lock(database: Path) -> Iterator[None]:
    """Hold the exclusive advisory lock on ``database`` (the bot, for its whole run; a restore,
    while it replaces the file); raise BackupError if another process holds it."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"a reminder-bot is running on {database} (it holds {path}); stop it first "
                "(docker compose stop bot), then try again"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {table: conn.execute(f"select count(*) from {table}").fetchone()[0] for table in TABLES}


def describe(found: dict[str, int]) -> str:
    return ", ".join(f"{number} {table}" for table, number in found.items())


def open_checked(path: Path, *, integrity: bool) -> sqlite3.Connection:
    """``path`` opened read-only, after checking it is a reminder-bot database (and, with
    ``integrity``, that ``pragma integrity_check`` is ok)."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file: name an existing reminder-bot database")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        names = {row[0] for row in conn.execute("select name from sqlite_master")}
        missing = [table for table in (*TABLES, MIGRATIONS_TABLE) if table not in names]
        if missing:
            raise BackupError(
                f"{path} is not a reminder-bot database (it has no {', '.join(missing)} "
                "table): name a file written by reminder-bot or reminder-bot backup"
            )
        if integrity:
            problems = [row[0] for row in conn.execute("pragma integrity_check")]
            if problems != ["ok"]:
                raise BackupError(
                    f"{path} is damaged (integrity_check: {'; '.join(problems[:3])}): "
                    "restore an older backup instead"
                )
    except sqlite3.DatabaseError as error:
        conn.close()
        raise BackupError(
            f"{path} is not a usable SQLite database ({error}): name a file written by "
            "reminder-bot backup"
        ) from None
    except BackupError:
        conn.close()
        raise
    return conn


def copy_into(source: sqlite3.Connection, target: Path) -> dict[str, int]:
    """Copy ``source`` to ``target`` atomically (temporary file, fsync, os.replace)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            source.backup(copy)
            # One self-contained file: no -wal beside it to lose on the way.
            copy.execute("pragma journal_mode=delete")
            found = counts(copy)
        finally:
            copy.close()
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return found


def backup(database: Path, target: Path, *, force: bool = False) -> dict[str, int]:
    """Write a consistent copy of ``database`` to ``target``; the counts it holds."""
    if target.is_dir():
        target = target / f"{database.stem}-backup.sqlite3"
    if target.exists() and target.resolve() == database.resolve():
        raise BackupError(f"{target} is the bot's database itself: name another file")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: choose another name, or pass --force")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist: create it first")
    if not database.is_file():
        raise BackupError(
            f"there is no database at {database} (REMINDER_BOT_DATABASE): nothing to back up"
        )
    source = open_checked(database, integrity=False)
    try:
        return copy_into(source, target)
    finally:
        source.close()


def settle(database: Path) -> None:
    """Fold the old file's WAL into it and remove the -wal and -shm files, so none is ever
    applied to the restored file (nothing else has it open: the caller holds the lock)."""
    if database.is_file():
        with contextlib.suppress(sqlite3.DatabaseError):  # a damaged old file is replaced
            conn = sqlite3.connect(database, timeout=10)
            try:
                conn.execute("pragma wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def restore(source_path: Path, database: Path) -> dict[str, int]:
    """Replace ``database`` with a checked copy of ``source_path``; refuse while a bot runs."""
    source = open_checked(source_path, integrity=True)
    try:
        with database_lock(database):
            settle(database)
            found = copy_into(source, database)
    finally:
        source.close()
    return found


def main(command: str, path: str, *, force: bool = False) -> int:
    """``reminder-bot backup|restore PATH``: one line saying what was written, or why not."""
    try:
        database = config.read_database(os.environ)
        if command == "backup":
            target = Path(path)
            found = backup(database, target, force=force)
            sys.stdout.write(f"backed up {database} to {target}: {describe(found)}\n")
        else:
            found = restore(Path(path), database)
            sys.stdout.write(f"restored {path} into {database}: {describe(found)}\n")
    except (BackupError, config.ConfigError) as error:
        sys.stderr.write(f"reminder-bot: {command} failed: {error}\n")
        return 1
    except OSError as error:
        sys.stderr.write(f"reminder-bot: {command} failed: {error}\n")
        return 1
    return 0
