"""Gunicorn settings for Binôme: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value comes from the environment, like config/settings.py:

- HOST, PORT: where to listen (127.0.0.1:8000 by default; behind the TLS proxy, keep it local).
- WEB_CONCURRENCY: number of worker processes (default: 2 per core plus one, at most 8).
  Sync workers: each serves one request at a time, and the pages are CPU work, not waiting.
- GUNICORN_TIMEOUT: seconds a worker may spend on one request before it is killed and replaced
  (default 30; the slowest pages, PDF reports, stay well under it).
- GUNICORN_MAX_REQUESTS: a worker is replaced after this many requests (default 2,000, with jitter so
  they do not all restart together), which bounds any slow growth of its memory.
- GUNICORN_ACCESS_LOG: "-" to log each request on stdout (default: off; the proxy logs them).

`preload_app` is off on purpose: each worker imports Django itself, so a code reload by HUP works and
a worker's memory is its own (what `python -m bench.web` measures as RSS per worker).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 10
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front (TRUSTED_PROXY_COUNT in settings) sets X-Forwarded-Proto; gunicorn trusts it from here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Gunicorn's control socket (for `gunicornc`) lives at one path per user by default, so two servers
# on one machine would fight over it: off unless GUNICORN_CONTROL_SOCKET names a path.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "unused"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
