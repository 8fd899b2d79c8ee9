"""Feature benchmarks: time Luzhi's main reads on a throwaway database and print the figures.

`make bench` runs the load benchmark first (`python -m bench.load`: gunicorn + wrk on the
province-scale database, see bench/load.py), then these.

Uses DATABASE_URL when set (PostgreSQL for real figures), else a temporary SQLite file.
Every bench/<name>.py with a `run(timed)` function is a benchmark; `python -m bench org`
runs only bench/org.py. Results are written to bench/results/<names>-<database>.json.
"""

import importlib
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import timed_call

RESULTS = Path(__file__).resolve().parent / "results"


def _setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
    os.environ.setdefault("LUZHI_TEST_DB_NAME", "luzhi_bench")
    import django

    django.setup()


def timed(client, path: str, n: int) -> dict[str, float]:
    """Request the path n times after a warm-up; return latency percentiles in ms."""

    def get() -> None:
        assert client.get(path).status_code == 200, path

    return timed_call(get, n)


def _modules(only: list[str]) -> list[Any]:
    """Every bench/<name>.py with a run(timed) function, or just the ones named on the command line."""
    names = only or sorted(p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith("_"))
    modules = [importlib.import_module(f"bench.{name}") for name in names]
    return [m for m in modules if hasattr(m, "run")]


def main() -> None:
    _setup_django()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        machine = f"{platform.node()} {platform.machine()} {os.cpu_count()} cores"
        results = {"machine": machine, "benchmarks": {}}
        from django.db import connection

        results["database"] = connection.vendor
        only = sys.argv[1:]
        for module in _modules(only):
            results["benchmarks"].update(module.run(timed))
    finally:
        teardown_databases(old, verbosity=0)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{'-'.join(only) or 'all'}-{results['database']}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"{'benchmark':45} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for name, row in results["benchmarks"].items():
        print(f"{name:45} {row['p50_ms']:9.2f} {row['p95_ms']:9.2f} {row['max_ms']:9.2f}")
    print(f"written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
