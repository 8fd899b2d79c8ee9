"""The one latency sampler of the feature benchmarks: warm up, call n times, report percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed_call(fn: Callable[[], Any], n: int) -> dict[str, float]:
    """Call fn three times to warm up, then n times; latency percentiles in ms."""
    for _ in range(3):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "n": n,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }
