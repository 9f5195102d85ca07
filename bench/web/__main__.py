"""Pages under load, against bare Django: `uv run python -m bench.web [--quick] [--data demo,x10]`.

One command, production-like from end to end:

1. PostgreSQL databases binome_webbench_demo and binome_webbench_x10 (BENCH_POSTGRES_URL's server),
   created, migrated and seeded when missing (`seed_demo --seed 7`, and `--scale 10` for the
   second); kept between runs, since seeding 10x takes minutes (`--rebuild` starts again).
2. For each: gunicorn (config/gunicorn.conf.py, 4 sync workers, DEBUG=0, a real SECRET_KEY,
   ALLOWED_HOSTS, FIELD_ENCRYPTION_KEYS, collected static files) serving the project's pages and a
   bare Django "hello" view (bench/web/urls.py) from the same workers and settings.
3. Signs in through the real pages as the role each page is for (the coordinator with their
   authenticator code), then, for 3 rounds, loads each page for a few seconds right after the bare
   view: the ratio of the two throughputs, per round, is the page's cost beyond Django itself on
   this machine at this moment; the median of the rounds is printed. Absolute req/s are printed
   too, but only the ratio compares across runs.
4. A probe: a one-worker server started cold gives the first-page time of a new process (beside
   the same for a bare server), the SQL queries of each page (counted by a bench-only middleware,
   on the probe only) and each page's size. RSS of every worker, after the load.
5. Stops every process it started.

The load: C client connections (threads in P processes, so the client is not the bottleneck),
each sending one request at a time, as a browser would; gunicorn's sync workers close the
connection after each response. A window ends when its time is up and every request in flight
has finished, so a slow page's requests are not charged to the next one. Every response must be
200, or the run fails.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import multiprocessing
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASES = {"demo": ("binome_webbench_demo", 1), "x10": ("binome_webbench_x10", 10)}
GOALS = {"demo": 0.25, "x10": 0.15}
RSS_GOAL_MB = 100
PORT, BARE_PORT, PROBE_PORT, BARE_PROBE_PORT = 8311, 8312, 8313, 8314
WORKERS = 4
PASSWORD = "demo-binome-2026"  # nosec B105: the demo accounts' published password
# Bench-only secrets: the databases they encrypt hold only generated demo people.
SECRET_KEY = "webbench-" + hashlib.sha256(b"binome webbench secret").hexdigest()
FIELD_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"binome webbench field key").digest()).decode()
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str  # "anonymous", "coordinator" or "mentee"
    agent: str = DESKTOP


def pages(ids: dict[str, int]) -> list[Page]:
    return [
        Page("sign-in", "/accounts/login/", "anonymous"),
        Page("coordinator dashboard", "/staff/territories/paris/", "coordinator"),
        Page("people list", "/staff/people/", "coordinator"),
        Page("a mentee's file", f"/staff/people/{ids['mentee_person']}/", "coordinator"),
        Page("matching board", f"/staff/matching/cohorts/{ids['board_cohort']}/", "coordinator"),
        Page("impact dashboard", "/staff/impact/", "coordinator"),
        Page("mentee home (phone)", "/mentee/", "mentee", PHONE),
    ]


BARE = Page("bare Django", "/bench/hello/", "anonymous")
# The same view for a signed-in coordinator: what every signed-in request pays before its page runs
# (session, user, roles, the middleware that read them), printed beside the pages, not a goal.
BARE_SIGNED_IN = Page("(bare, signed in)", "/bench/hello/", "coordinator")


# --- processes ------------------------------------------------------------------------
def django_env(database: str, **extra: str) -> dict[str, str]:
    """Production settings (config/settings.py refuses to start on a weak or missing value)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DEMO_MODE", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.web.settings",
        DATABASE_URL=f"{SERVER_URL.rsplit('/', 1)[0]}/{database}",
        DEBUG="0",
        DEMO_MODE="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        FIELD_ENCRYPTION_KEYS=FIELD_KEY,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def manage(database: str, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=django_env(database), check=True)


def prepare_database(name: str, scale: int, *, rebuild: bool) -> dict[str, int | str]:
    import psycopg

    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(name, "migrate", "--no-input", "-v0")
    manage(name, "load_reference_data")
    seed = ["seed_demo", "--seed", "7", "--if-empty", "--progress"]
    manage(name, *seed, *(["--scale", str(scale)] if scale > 1 else []))
    out = subprocess.run(
        [sys.executable, "-m", "bench.web.prepare"],
        cwd=ROOT,
        env=django_env(name),
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    started: float

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(FileNotFoundError):
                status = Path(f"/proc/{pid}/status").read_text()
                kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
                sizes.append(kb / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(database: str, port: int, *, workers: int, urlconf: str, log: Path, **extra: str) -> Server:
    env = django_env(database, PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY=str(workers), BENCH_URLCONF=urlconf)
    # Workers are not recycled during the run (production's default, 2,000 requests, would restart
    # them in the middle of the bare view's windows and charge their start-up to the next page).
    env["GUNICORN_MAX_REQUESTS"] = "0"
    env.update(extra)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    return Server(process, port, started)


# --- HTTP, by hand: the client must cost little beside a 2 ms page ------------------------
@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes


def request(
    port: int,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    agent: str = DESKTOP,
    form: dict[str, str] | None = None,
    timeout: float = 120,
) -> Response:
    """One request as the TLS proxy in front would pass it (X-Forwarded-Proto: https)."""
    host = f"127.0.0.1:{port}"
    lines = [
        f"{'POST' if form is not None else 'GET'} {path} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {agent}",
        "Accept: text/html",
        "Accept-Language: fr",
        "X-Forwarded-Proto: https",
        "X-Forwarded-For: 127.0.0.1",
        "Connection: close",
    ]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        lines += [
            f"Origin: https://{host}",
            f"Referer: https://{host}{path}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
        ]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(262144):
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, payload = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    headers: dict[str, str] = {}
    new_cookies: dict[str, str] = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            cookie_name, _, cookie_value = value.strip().split(";", 1)[0].partition("=")
            new_cookies[cookie_name] = cookie_value
        headers[name.lower()] = value.strip()
    return Response(status, headers, new_cookies, payload)


def wait_until_up(port: int, path: str, cookies: dict[str, str] | None = None, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            if request(port, path, cookies=cookies, timeout=limit).status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"server on port {port} did not answer {path} within {limit:.0f} s")
        time.sleep(0.05)


def totp(secret: str, at: float) -> str:
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _csrf(page: Response) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if not match:
        raise SystemExit("no CSRF token on the sign-in page")
    return match.group(1).decode()


def sign_in(port: int, email: str, *, totp_secret: str | None = None) -> dict[str, str]:
    """Through the real pages: the sign-in form, then the authenticator code when asked."""
    login = request(port, "/accounts/login/")
    cookies = dict(login.cookies)
    answer = request(
        port,
        "/accounts/login/",
        cookies=cookies,
        form={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(login)},
    )
    cookies.update(answer.cookies)
    location = answer.headers.get("location", "")
    if answer.status != 302:
        raise SystemExit(f"sign-in of {email} answered {answer.status}")
    if "/2fa/" in location:
        if totp_secret is None:
            raise SystemExit(f"{email} was asked a second factor")
        code_page = request(port, location, cookies=cookies)
        cookies.update(code_page.cookies)
        answer = request(
            port,
            location,
            cookies=cookies,
            form={"code": totp(totp_secret, time.time()), "csrfmiddlewaretoken": _csrf(code_page)},
        )
        cookies.update(answer.cookies)
        if answer.status != 302:
            raise SystemExit(f"the authenticator code of {email} answered {answer.status}")
    if "sessionid" not in cookies:
        raise SystemExit(f"no session for {email}")
    return cookies


# --- load -----------------------------------------------------------------------------
def _client(
    port: int, path: str, cookies: dict[str, str], agent: str, seconds: float, threads: int, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    stop_at = time.monotonic() + seconds
    counts = {"ok": 0, "bad": 0, "last": 0.0}
    lock = threading.Lock()

    def loop() -> None:
        while time.monotonic() < stop_at:
            try:
                status = request(port, path, cookies=cookies, agent=agent).status
            except OSError:
                status = 0
            with lock:
                counts["ok" if status == 200 else "bad"] += 1
                counts["last"] = time.monotonic()

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((counts["ok"], counts["bad"], counts["last"]))


def load(
    port: int, page: Page, cookies: dict[str, str], seconds: float, processes: int, threads: int
) -> tuple[int, float]:
    """Responses in the window and its length (until its last response); every one must be 200."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    started = time.monotonic()
    clients = [
        multiprocessing.Process(target=_client, args=(port, page.path, cookies, page.agent, seconds, threads, queue))
        for _ in range(processes)
    ]
    for client in clients:
        client.start()
    results = [queue.get() for _ in clients]
    for client in clients:
        client.join()
    ok = sum(r[0] for r in results)
    bad = sum(r[1] for r in results)
    if bad:
        raise SystemExit(f"{page.name}: {bad} responses were not 200")
    return ok, max(r[2] for r in results) - started


def side_by_side(page: Page, cookies: dict[str, str], seconds: float, args: argparse.Namespace) -> tuple[float, float]:
    """The page's and the bare view's req/s, in alternating slices of a second or so: the machine is
    shared, and its load moves within seconds, so both must see the same moments."""
    slices = max(1, round(seconds))
    counts = {"page": [0, 0.0], "bare": [0, 0.0]}
    for _ in range(slices):
        for key, target, jar in (("bare", BARE, {}), ("page", page, cookies)):
            ok, elapsed = load(PORT, target, jar, seconds / slices, args.processes, args.threads)
            counts[key][0] += ok
            counts[key][1] += elapsed
    rate = counts["page"][0] / counts["page"][1]
    return rate, counts["bare"][0] / counts["bare"][1]


# --- one dataset ----------------------------------------------------------------------
@dataclass
class Figures:
    rates: dict[str, list[float]] = field(default_factory=dict)
    bare_rates: dict[str, list[float]] = field(default_factory=dict)
    queries: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, float] = field(default_factory=dict)
    rss: list[float] = field(default_factory=list)
    bare_rss: list[float] = field(default_factory=list)
    first_page: float = 0.0
    bare_first_page: float = 0.0


def bench_dataset(label: str, ids: dict[str, int | str], args: argparse.Namespace, log: Path) -> Figures:
    database = DATABASES[label][0]
    figures = Figures()
    started: list[Server] = []
    try:
        server = start_server(database, PORT, workers=WORKERS, urlconf="bench.web.urls", log=log)
        started.append(server)
        wait_until_up(PORT, BARE.path)
        print(f"  {label}: server up, signing in", flush=True)
        secret = str(ids["totp_secret"])
        sessions = {
            "anonymous": {},
            "coordinator": sign_in(PORT, "coord.paris@demo.binome.fr", totp_secret=secret),
            "mentee": sign_in(PORT, "mentee@demo.binome.fr"),
        }
        listed = pages({k: int(v) for k, v in ids.items() if k != "totp_secret"})

        print(f"  {label}: probe (a cold one-worker server)", flush=True)
        # The probe: a cold one-worker server, for the first page of a new process, queries and sizes.
        probe = start_server(
            database, PROBE_PORT, workers=1, urlconf="bench.web.urls", log=log, BENCH_COUNT_QUERIES="1"
        )
        started.append(probe)
        first = listed[-1]  # the mentee home: what a phone opening the app gets from a fresh worker
        wait_until_up(PROBE_PORT, first.path, sessions[first.role], limit=180)
        figures.first_page = time.monotonic() - probe.started
        for page in listed:
            response = request(PROBE_PORT, page.path, cookies=sessions[page.role], agent=page.agent)
            if response.status != 200:
                raise SystemExit(f"{label} {page.name}: {page.path} answered {response.status}")
            figures.queries[page.name] = response.headers.get("x-bench-queries", "?")
            figures.sizes[page.name] = len(response.body) / 1024
        probe.stop()
        started.remove(probe)
        bare_probe = start_server(database, BARE_PROBE_PORT, workers=1, urlconf="bench.web.bare_urls", log=log)
        started.append(bare_probe)
        wait_until_up(BARE_PROBE_PORT, BARE.path, limit=180)
        figures.bare_first_page = time.monotonic() - bare_probe.started
        for _ in range(200):  # a worker that served requests, as the project's have
            request(BARE_PROBE_PORT, BARE.path)
        figures.bare_rss = bare_probe.worker_rss_mb()
        bare_probe.stop()
        started.remove(bare_probe)

        print(f"  {label}: warming up, then {args.rounds} rounds of {args.seconds:.0f} s per page", flush=True)
        # Warm every worker on every page, then the rounds.
        for page in listed:
            load(PORT, page, sessions[page.role], 1.0, args.processes, args.threads)
        for round_number in range(1, args.rounds + 1):
            for page in [*listed, BARE_SIGNED_IN]:
                rate, bare = side_by_side(page, sessions[page.role], args.seconds, args)
                figures.bare_rates.setdefault(page.name, []).append(bare)
                figures.rates.setdefault(page.name, []).append(rate)
                print(f"  {label} round {round_number}: {page.name:24} {rate:8.1f} req/s, bare {bare:7.1f}", flush=True)
        figures.queries[BARE_SIGNED_IN.name] = "-"
        figures.sizes[BARE_SIGNED_IN.name] = 0.0
        figures.rss = server.worker_rss_mb()
    finally:
        for process in reversed(started):
            process.stop()
    return figures


def print_table(label: str, figures: Figures, demo: Figures | None = None) -> bool:
    """The table of one dataset; at 10x, a page whose query count differs from the demo's says so
    (the count must not grow with the data)."""
    goal = GOALS[label]
    rounds = len(next(iter(figures.rates.values())))
    print(f"\n{label}: median of {rounds} rounds (ratio: page req/s / bare req/s, same round)")
    columns = ["page".ljust(24), "req/s".rjust(8), "bare req/s", "ratio".rjust(6), "goal".rjust(6), " " * 4]
    print(" | ".join([*columns, "queries", "page KB"]))
    print("-" * 94)
    passed = True
    for name, rates in figures.rates.items():
        bares = figures.bare_rates[name]
        ratio = statistics.median(r / b for r, b in zip(rates, bares, strict=True) if b)
        reference = name == BARE_SIGNED_IN.name
        ok = ratio >= goal or reference
        queries = figures.queries[name]
        if demo is not None and demo.queries.get(name) not in (None, queries):
            queries, ok = f"{queries}!={demo.queries[name]}", False
        passed &= ok
        goal_cell, verdict = ("", "") if reference else (f">={goal}", "PASS" if ok else "FAIL")
        size = "" if reference else f"{figures.sizes[name]:7.1f}"
        print(
            f"{name:24} | {statistics.median(rates):8.1f} | {statistics.median(bares):10.1f} | {ratio:6.3f} | "
            f"{goal_cell:<6} | {verdict:4} | {queries:>7} | {size:>7}"
        )
    rss_ok = bool(figures.rss) and max(figures.rss) <= RSS_GOAL_MB
    passed &= rss_ok
    print(
        f"worker RSS after the load: {', '.join(f'{mb:.0f}' for mb in figures.rss)} MB "
        f"(bare Django: {', '.join(f'{mb:.0f}' for mb in figures.bare_rss)} MB; goal <= {RSS_GOAL_MB}) "
        f"{'PASS' if rss_ok else 'FAIL'}"
    )
    print(
        f"first page of a new process (start to mentee home): {figures.first_page:.1f} s "
        f"(bare Django, start to hello: {figures.bare_first_page:.1f} s; "
        f"ratio {figures.first_page / figures.bare_first_page:.1f})"
    )
    return passed


def static_files_stale() -> bool:
    """Whether `collectstatic` must run: no manifest yet, or a source file newer than it (it takes
    a minute on this machine, compressing every file)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [ROOT / "static", ROOT / ".venv"]  # the project's files, and the apps' (admin, allauth)
    return any(path.stat().st_mtime > built for path in (sources[0]).rglob("*") if path.is_file()) or (
        sources[1].stat().st_mtime > built
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 2 s per page (a smoke run)")
    parser.add_argument("--data", default="demo,x10", help="which datasets: demo, x10 or both (default)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0, help="each page's window in a round")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=4, help="connections per client process")
    parser.add_argument("--rebuild", action="store_true", help="drop and seed the databases again")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    # Stopped from outside (a background job ignores Ctrl-C), it still stops the servers it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.rounds, args.seconds = 1, 2.0
    labels = [label.strip() for label in args.data.split(",") if label.strip()]
    log = ROOT / "var" / "bench-web.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"bench.web: gunicorn logs in {log}", flush=True)
    if static_files_stale():
        print("bench.web: collecting the static files (production serves them from a manifest)", flush=True)
        manage(DATABASES[labels[0]][0], "collectstatic", "--no-input", "-v0")
    results = {}
    for label in labels:
        name, scale = DATABASES[label]
        print(f"== {label}: database {name} (seed_demo --seed 7{f' --scale {scale}' if scale > 1 else ''})", flush=True)
        ids = prepare_database(name, scale, rebuild=args.rebuild)
        results[label] = bench_dataset(label, ids, args, log)
    passed = True
    for label, figures in results.items():
        passed &= print_table(label, figures, results.get("demo") if label != "demo" else None)
    print(f"\nbench.web: {'every goal met' if passed else 'some goals missed (FAIL above)'}")
    if args.strict and not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
