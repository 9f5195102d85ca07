"""Whole-database backup and restore: `pg_dump -Fc` / `pg_restore` on PostgreSQL, the SQLite
online-backup API on SQLite. Used by the `backup` and `restore` commands."""

from __future__ import annotations

import os
import shutil
import sqlite3

# Fixed argument lists, never a shell.
import subprocess  # nosec B404
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import connections


def _postgres_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} is not installed (PostgreSQL client tools are needed).")
    return found


def backup(path: Path, alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        args, env = _postgres_env(settings_dict)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args]
        command.append(str(settings_dict["NAME"]))
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise CommandError(f"No backup for the {connection.vendor} database.")


def restore(path: Path, alias: str = "default") -> None:
    if not path.is_file():
        raise CommandError(f"{path} does not exist.")
    connection = connections[alias]
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        args, env = _postgres_env(settings_dict)
        connection.close()  # our own session must not hold locks on the tables being replaced
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all or nothing
            "--dbname",
            str(settings_dict["NAME"]),
            *args,
            str(path),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA schema_version").fetchone()  # fails early on a file that is not SQLite
        except sqlite3.DatabaseError as error:
            source.close()
            raise CommandError(f"{path} is not an SQLite backup: {error}") from None
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise CommandError(f"No restore for the {connection.vendor} database.")
