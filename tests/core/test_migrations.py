"""The migrations build the same database the models describe.

The suite runs with --no-migrations (pyproject.toml): each worker's test database is created
from the models, which takes seconds instead of replaying every migration (~35 s of CPU per
worker). These tests keep the migrations honest in its place: the models hold no change that
lacks a migration, and replaying every migration on an empty database of the same engine
gives the tables, columns and indexes that the models give.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Prints {table: {"columns": [...], "indexed": [...]}} of the database DATABASE_URL names.
SCHEMA_SCRIPT = """
import json
from django.db import connection
print(json.dumps(__import__("tests.core.test_migrations", fromlist=["x"]).schema_of(connection)))
"""


def schema_of(conn: Any) -> dict[str, dict[str, list[str]]]:
    """Every table of the database with its columns and the column sets that carry a unique constraint or index."""
    tables: dict[str, dict[str, list[str]]] = {}
    with conn.cursor() as cursor:
        for info in conn.introspection.get_table_list(cursor):
            if info.type != "t" or info.name == "django_migrations":
                continue
            columns = sorted(c.name for c in conn.introspection.get_table_description(cursor, info.name))
            constraints = conn.introspection.get_constraints(cursor, info.name)
            keyed = sorted(
                ",".join(col or "(expression)" for col in c["columns"]) + (" unique" if c["unique"] else "")
                for c in constraints.values()
                if (c["unique"] or c["index"]) and c["columns"] and not c["primary_key"]
            )
            tables[info.name] = {"columns": columns, "keyed": keyed}
    return tables


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models changed without a migration (run manage.py makemigrations):\n{out.getvalue()}")


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db.get('USER') or 'postgres'}@{host}:{port}/{name}"


def _manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "luzhi.settings"}
    env.pop("LUZHI_TEST_DB_NAME", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.django_db
def test_replaying_the_migrations_gives_the_models_schema(tmp_path: Path) -> None:
    sqlite = connection.vendor == "sqlite"
    name = str(tmp_path / "migrated.sqlite3") if sqlite else f"luzhi_migrated_{uuid.uuid4().hex[:8]}"
    url = _database_url(name)
    if not sqlite:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # the test database's connection is open; CREATE DATABASE runs beside it
        _admin(f'CREATE DATABASE "{name}"')
    try:
        migrated = _manage(url, "migrate", "--noinput", "--verbosity", "0")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        dumped = _manage(url, "shell", "-c", SCHEMA_SCRIPT)
        assert dumped.returncode == 0, dumped.stderr[-3000:]
        replayed = json.loads(dumped.stdout.strip().splitlines()[-1])
    finally:
        if not sqlite:
            _admin(f'DROP DATABASE IF EXISTS "{name}"')

    from_models = schema_of(connection)
    assert sorted(replayed) == sorted(from_models), "tables differ between migrations and models"
    for table, shape in from_models.items():
        assert replayed[table]["columns"] == shape["columns"], f"{table}: columns differ"
        assert replayed[table]["keyed"] == shape["keyed"], f"{table}: indexes or unique constraints differ"


def _admin(sql: str) -> None:
    """Runs a statement outside any transaction on the server's maintenance database."""
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)
