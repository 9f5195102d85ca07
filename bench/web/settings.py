"""The project's settings, unchanged but for the URLconf (BENCH_URLCONF: the pages plus the bare
view, or the bare view alone) and, on the probe server only (BENCH_COUNT_QUERIES=1), a middleware
that counts each response's SQL queries; the servers under load run without it."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = os.environ.get("BENCH_URLCONF", "bench.web.urls")
if os.environ.get("BENCH_COUNT_QUERIES") == "1":
    MIDDLEWARE = ["bench.web.counting.CountQueriesMiddleware", *MIDDLEWARE]
