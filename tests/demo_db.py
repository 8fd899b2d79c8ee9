"""The demo committee, loaded once per test process into a database of its own.

Loading the demo (`manage.py demo_data`) costs some 15 s of CPU. Modules that read it used to load it
each into the test database inside a transaction rolled back afterwards. Instead, the first such
module of a process (an xdist worker) builds a second database — the empty test schema copied,
then the demo loaded and committed — and every such module switches Django's connection to it
for its duration, inside a transaction that is rolled back at the end, so each module still
starts from the untouched demo. The test database itself stays empty for every other module.

SQLite (in memory): the demo database is a second shared-cache memory database, kept alive (as is
the test database) by a connection held here; the schema is copied with SQLite's backup API.
PostgreSQL: the demo database is created from the test database as its template, and dropped when
the session ends. The demo is loaded by the real clock, as `make run` loads it.
A module on the demo database must not use transactional tests (they would empty it): `use()`
checks at the end that the demo is still there and fails the module if it is not.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import override_settings

SQLITE_NAME = "file:memorydb_luzhi_demo?mode=memory&cache=shared"


class DemoDatabase:
    def __init__(self) -> None:
        self.name: str | None = None
        self.output = ""  # what demo_data printed when it loaded
        self.created: dict[str, int] = {}  # what the load created, by model label (demo_data_load().created)
        self._keepers: list[sqlite3.Connection] = []

    def _switch(self, name: str) -> None:
        # Django ignores close() on an in-memory SQLite database (it would destroy it); here another
        # connection keeps each database alive, so the wrapper's own connection may go.
        BaseDatabaseWrapper.close(connection)
        connection.settings_dict["NAME"] = name

    @contextmanager
    def _on(self, name: str) -> Iterator[None]:
        test_name = connection.settings_dict["NAME"]
        self._switch(name)
        try:
            yield
        finally:
            self._switch(test_name)

    def _build(self) -> None:
        test_name = connection.settings_dict["NAME"]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            # A shared-cache memory database lives while some connection to it is open: these keep the
            # test database and the demo one alive while Django's connection moves between them.
            self._keepers = [
                sqlite3.connect(name, uri=True, check_same_thread=False) for name in (test_name, SQLITE_NAME)
            ]
            connection.connection.backup(self._keepers[1])
            self.name = SQLITE_NAME
        else:
            self.name = f"{test_name}_demo"
            BaseDatabaseWrapper.close(connection)
            _admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            _admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{test_name}"')
        from luzhi.org.management.commands import demo_data as command

        load = command.demo_data_load

        def keep(*args: Any, **kwargs: Any) -> Any:
            result = load(*args, **kwargs)
            self.created = dict(result.created)
            return result

        # No notification sweeper thread while loading (tests deliver by calling the sweep themselves).
        with self._on(self.name), override_settings(LUZHI_NOTIFY_DISPATCH="off"):
            out = StringIO()
            command.demo_data_load = keep
            try:
                call_command("demo_data", stdout=out)
            finally:
                command.demo_data_load = load
            self.output = out.getvalue()

    @contextmanager
    def use(self) -> Iterator[str]:
        """The connection on the demo database inside a transaction rolled back at the end; demo_data's output.

        `created` holds what the load created, for the tests that check the first load and then a second."""
        if self.name is None:
            self._build()
        assert self.name is not None
        with self._on(self.name):
            with transaction.atomic():
                yield self.output
                transaction.set_rollback(True)
            from luzhi.org.models import Committee

            assert Committee.objects.exists(), "a module emptied the demo database (a transactional test?)"

    def drop(self) -> None:
        if self.name is None:
            return
        if self._keepers:
            for keeper in self._keepers:
                keeper.close()
        else:
            _admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        self.name = None


def _admin(sql: str) -> None:
    """A statement outside any transaction, on the server's maintenance database."""
    import psycopg

    db: dict[str, Any] = connection.settings_dict
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)


DEMO = DemoDatabase()
