"""What every request pays before any page runs: `python -m bench.web.middleware [--database NAME]`.

In one process, under the bench's production settings (a seeded bench database: `python -m
bench.web` makes them), the bare "hello" view is called through Django's WSGI handler, with
no network and no client in the way, as an anonymous visitor and as a signed-in mentee: first
with every middleware, then with each one left out in turn, then with none. The difference is what
that middleware costs each request; it is printed in microseconds and as a share of the whole.
Interleaved repeats, medians: the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.web.__main__ import DATABASES, django_env


def _environ(cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/bench/hello/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8311",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "fr",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _handler(middleware: list[str]) -> Callable[[dict[str, Any]], int]:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    settings.MIDDLEWARE = middleware
    handler = WSGIHandler()

    def call(environ: dict[str, Any]) -> int:
        statuses: list[str] = []
        body = handler(environ, lambda status, headers, *rest: statuses.append(status))
        b"".join(body)
        body.close()  # type: ignore[attr-defined]  # the response, which closes the request
        return int(statuses[0].split()[0])

    return call


def _per_request_us(call: Callable[[dict[str, Any]], int], cookie: str, repeat: int) -> float | None:
    """None when the stack does not work without what was left out (sessions, for authentication)."""
    start = time.perf_counter()
    for _ in range(repeat):
        if call(_environ(cookie)) != 200:
            return None
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DATABASES["demo"][0])
    parser.add_argument("--repeat", type=int, default=300, help="requests per measurement")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(django_env(args.database, BENCH_URLCONF="bench.web.bare_urls"))
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the variants that cannot work
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from binome.accounts.models import User

    mentee = User.objects.get(email="mentee@demo.binome.fr")
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(mentee.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: mentee.get_session_auth_hash(),
        }
    )
    session.create()
    viewers = {"anonymous": "", "signed in": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    everything = list(settings.MIDDLEWARE)
    variants: dict[str, list[str]] = {"all middleware": everything}
    for name in everything:
        variants[f"without {name.rsplit('.', 1)[-1]}"] = [m for m in everything if m != name]
    variants["no middleware"] = []
    handlers = {label: _handler(middleware) for label, middleware in variants.items()}
    timings: dict[tuple[str, str], list[float | None]] = {}
    try:
        for _ in range(args.rounds):
            for label, call in handlers.items():
                for viewer, cookie in viewers.items():
                    timings.setdefault((label, viewer), []).append(_per_request_us(call, cookie, args.repeat))
    finally:
        session.delete()

    def median(label: str, viewer: str) -> float | None:
        found = [t for t in timings[(label, viewer)] if t is not None]
        return statistics.median(found) if len(found) == len(timings[(label, viewer)]) else None

    full = {viewer: median("all middleware", viewer) or 0.0 for viewer in viewers}
    print(f"bare view through Django's WSGI handler, median of {args.rounds} x {args.repeat} requests (µs/request)")
    print(f"{'':44} | {'anonymous':>20} | {'signed in':>20}")
    for label in variants:
        cells = []
        for viewer in viewers:
            us = median(label, viewer)
            if us is None:
                cells.append("others need it")
                continue
            saved = full[viewer] - us
            cells.append(
                f"{us:7.0f}" + ("" if label == "all middleware" else f" ({saved:+5.0f}, {saved / full[viewer]:4.0%})")
            )
        print(f"{label:44} | {cells[0]:>20} | {cells[1]:>20}")
    print("(in brackets: what leaving it out saves, and its share of the whole)")


if __name__ == "__main__":
    main()
