"""Pages under load against a bare Django view on the same server (issue 9).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_scale_full \
        .venv/bin/python bench/pages_bench.py          # about 2.5 minutes on 2 cores

It starts gunicorn on 127.0.0.1 with DEBUG off and the bench URLconf (`bench/urls.py`: the
product's URLs plus a bare view, a plain HttpResponse through the same middleware), logs in the
demo users of the database (`canbo`, officer of one commune; `lanhdao`, head of the province)
through the login form, and drives `wrk` at each page with 8 connections for a fixed time:

- the household list as the officer (their commune) and as the head (the whole province),
- the household list with a search (`q=` a common folded name) as the head,
- the officer's list with a new page on each request (`?page=` cycling through the list, plus a
  counter no request repeats): its content is never in the cache (welfare.core.page_cache), the
  cost of a list page the first time anyone sees it,
- a household page as the officer, the dashboard as the head (the current half-year and the
  approved one of 1/2022),
- the bare view (with the officer's cookie, like the pages).

It prints requests/s, p50 and p95 per page and each page's rate as a share of the bare view's
(same server, same run: noise from other processes affects both alike), then the number of SQL
queries of each page (Django's test Client and CaptureQueriesContext, in a transaction rolled
back) on this database and on a small demo database (`--small-db`, created with `migrate` and
`demo_data` when missing), which must be the same: a page's queries do not grow with the data.

Writes: sessions (one per login) and, on the household page, one access-log row per view (the
product logs every read of a household, Law 91/2025/QH15); the rows the run added for its own
rows stay: the log is append-only, for a benchmark as for anyone (run it on a benchmark database,
never a real one). Case data is never written.

The load generator is wrk (`apt-get install -y wrk`): it keeps 8 connections busy from C, so the
Python server is what is measured, and reports latency percentiles from its HDR histogram
(p95 through a small Lua `done` hook, since `--latency` prints 50/75/90/99 only).

`--app-dir DIR` serves another copy of the code (e.g. `git archive HEAD | tar -x -C DIR` to
measure the code before a change on the same machine, same run conditions).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-welfare-2026"
OFFICER, HEAD = "canbo", "lanhdao"
HOST = "127.0.0.1"

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
"""

# A new page of the list on each request (`?page=` cycling through the list, and a counter that
# no other request repeats): the list's content is never in the cache, as when officers page
# through different lists; the figures by status are (they depend on the filters only).
WRK_NEW_PAGE = r"""
counter = (os.time() % 100000) * 100000
request = function()
  counter = counter + 1
  return wrk.format(nil, string.format("%s?page=%d&request=%d", (counter % %d) + 1, counter))
end
"""


# --- Query counts (a child process per database: Django's settings are per process) ---------


def count_queries() -> dict:
    """The SQL queries of each page, through the test Client, in a transaction rolled back."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from welfare.accounts.models import User

    pages = page_urls()
    users = {u.username: u for u in User.objects.filter(username__in=[OFFICER, HEAD])}
    counts = {}
    with transaction.atomic():
        clients = {}
        for name, (username, url, list_pages) in pages.items():
            if username not in clients:
                client = Client(HTTP_HOST=HOST)
                client.force_login(users[username])
                clients[username] = client
            client = clients[username]
            runs = []
            for run in range(2):  # cold (empty caches), then warm: the steady state
                with CaptureQueriesContext(connection) as ctx:
                    # A new-page run's steady state is a page not yet in the cache (the first
                    # page again, under a query string not seen yet: the small database's list
                    # has one page).
                    fresh = f"{url}?page=1&request=count-{time.time_ns()}"
                    response = client.get(fresh if list_pages else url)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {url} answered {response.status_code}")
                runs.append(
                    sum(
                        1
                        for q in ctx.captured_queries
                        if not re.match(r"(RELEASE )?SAVEPOINT|ROLLBACK TO", q["sql"])
                    )
                )
            counts[name] = runs
        transaction.set_rollback(True)
    households = connection.cursor()
    households.execute("SELECT count(*) FROM households_household")
    return {"households": households.fetchone()[0], "counts": counts}


def page_urls() -> dict[str, tuple[str, str, int]]:
    """page name -> (who, URL, pages: 0, or how many pages of the list a new-page run cycles
    through), read from the database (Django set up)."""
    from welfare.accounts.models import User
    from welfare.households.models import Household

    officer = User.objects.get(username=OFFICER)
    commune = officer.communes.order_by("code").first()
    household = Household.objects.filter(commune=commune).order_by("code").first()
    officer_pages = -(-Household.objects.filter(commune__in=officer.communes.all()).count() // 50)
    return {
        "bare view": (OFFICER, "/bench/bare/", 0),
        "list, officer (commune)": (OFFICER, "/households/", 0),
        "list, officer, a new page each request": (OFFICER, "/households/", max(officer_pages, 1)),
        "list, head (province)": (HEAD, "/households/", 0),
        "list, head, q=nguyen": (HEAD, "/households/?q=nguyen", 0),
        "household page, officer": (OFFICER, f"/households/{household.pk}/", 0),
        "dashboard, head (current)": (HEAD, "/reports/dashboard/", 0),
        "dashboard, head (1/2022, approved)": (HEAD, "/reports/dashboard/?period=2022-1", 0),
    }


def child(app_dir: Path, args: list[str], database_url: str) -> str:
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="false", PYTHONPATH=str(app_dir))
    env.setdefault("REDIS_URL", os.environ.get("PAGES_REDIS_URL", "redis://127.0.0.1:6379/9"))
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=app_dir, env=env, capture_output=True, text=True, timeout=300,
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    return out.stdout


# --- The small demo database -------------------------------------------------------------------


def ensure_small_db(url: str, app_dir: Path) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(app_dir))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=app_dir, env=env, check=True, timeout=300)
    subprocess.run(
        [*manage, "demo_data", "--if-empty", "-v0"], cwd=app_dir, env=env, check=True,
        timeout=300, stdout=subprocess.DEVNULL,
    )


# --- The server and the load ------------------------------------------------------------------


def request(port, method, path, cookies=None, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    all_headers = dict(headers or {})
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        body = urllib.parse.urlencode(body)
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    set_cookies = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            key, _sep, rest = value.partition("=")
            set_cookies[key.strip()] = rest.split(";", 1)[0]
    conn.close()
    return response.status, data.decode("utf-8", "replace"), set_cookies, response


def login(port, username) -> dict:
    status, html, cookies, _ = request(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, _html, new, response = request(
        port, "POST", "/accounts/login/", cookies=cookies,
        body={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": f"http://{HOST}:{port}/accounts/login/"},
    )
    cookies.update(new)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed ({status})")
    return cookies


def start_server(app_dir: Path, port: int, workers: int, worker_class: str, threads: int, db: str):
    env = dict(
        os.environ, DATABASE_URL=db, DEBUG="false", DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(app_dir),
    )
    env.setdefault("REDIS_URL", os.environ.get("PAGES_REDIS_URL", "redis://127.0.0.1:6379/9"))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "welfare.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads),
        "--timeout", "60", "--log-level", "warning", "--chdir", str(app_dir),
    ]
    # The server's log (the audit logger writes a line per household page) goes to a file,
    # shown if the server fails.
    log = tempfile.NamedTemporaryFile("w+", prefix="pages_bench_gunicorn_", suffix=".log", delete=False)
    server = subprocess.Popen(
        command, cwd=app_dir, env=env, start_new_session=True, stdout=log, stderr=log
    )
    server.log_path = log.name
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stop_server(server, show_log=True)
            raise SystemExit("gunicorn stopped at start")
        try:
            if request(port, "GET", "/healthz/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server, show_log: bool = False) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    log = Path(server.log_path)
    if show_log:
        lines = [l for l in log.read_text().splitlines() if "welfare.audit" not in l]
        print("\n".join(lines[-40:]), file=sys.stderr)
    log.unlink(missing_ok=True)


def run_wrk(port, path, cookies, seconds, connections, script) -> dict:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script,
        "-H", f"Cookie: {cookie}", f"http://{HOST}:{port}{path}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")
    figures = {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("status", "connect", "read", "write", "timeout"))
    return figures


def new_page_script(url: str, pages: int) -> str:
    """A wrk script that asks for a new page of the list on each request (WRK_NEW_PAGE)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_SCRIPT + WRK_NEW_PAGE.replace("%s", url, 1).replace("%d)", f"{pages})", 1))
    return lua.name


def unapplied_migrations(db: str, app_dir: Path) -> list[str]:
    """The served code's migrations of the household app the database has not applied."""
    import psycopg

    files = sorted(p.stem for p in (app_dir / "welfare/households/migrations").glob("0*.py"))
    with psycopg.connect(db) as conn:
        applied = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM django_migrations WHERE app = 'households'"
            ).fetchall()
        }
    return [f"households.{name}" for name in files if name not in applied]


def access_log_max(db: str) -> int:
    import psycopg

    with psycopg.connect(db) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM audit_accessevent").fetchone()[0]


def access_log_added(db: str, since: int) -> int:
    """The access-log rows this run's page views added (its own users only)."""
    import psycopg

    with psycopg.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM audit_accessevent WHERE id > %s AND username = ANY(%s)",
            [since, [OFFICER, HEAD]],
        ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="load per page (default 15)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument(
        "--small-db", default="postgres://postgres@127.0.0.1:5432/welfare_bench_pages_small",
        help="the small demo database the query counts are compared with",
    )
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the code to serve")
    parser.add_argument("--pages", default="", help="only the pages whose name contains this")
    parser.add_argument("--count-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.count_only or args.urls_only:
        sys.path.insert(0, str(Path.cwd()))
        if args.count_only:
            print(json.dumps(count_queries()))
        else:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
            import django

            django.setup()
            print(json.dumps(page_urls()))
        return

    db = os.environ.get("DATABASE_URL", "")
    if not db.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the full-scale PostgreSQL database (bench/README.md).")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (Debian/Ubuntu package `wrk`).")
    app_dir = args.app_dir.resolve()
    for name in ("urls.py", "settings.py"):
        target = app_dir / "bench" / name
        if not target.exists():
            target.parent.mkdir(exist_ok=True)
            shutil.copy(ROOT / "bench" / name, target)

    started = time.monotonic()
    unapplied = unapplied_migrations(db, app_dir)
    if unapplied:
        print(
            "WARNING: the database lacks these migrations of the served code (its indexes): "
            + ", ".join(unapplied)
            + "; run `manage.py migrate` on it first for the figures of that code.",
            flush=True,
        )
    pages = json.loads(child(app_dir, ["--urls-only"], db))
    if args.pages:
        pages = {k: v for k, v in pages.items() if k == "bare view" or args.pages in k}
    since = access_log_max(db)
    results = {}
    scripts = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_SCRIPT)
    server = None
    failed = True
    try:
        server = start_server(app_dir, args.port, args.workers, args.worker_class, args.threads, db)
        cookies = {OFFICER: login(args.port, OFFICER), HEAD: login(args.port, HEAD)}
        for name, (who, url, list_pages) in pages.items():
            status, html, _c, _r = request(args.port, "GET", url, cookies=cookies[who])
            if status != 200 or 'name="password"' in html:
                raise SystemExit(f"{name}: {url} answered {status} for {who}")
            script = lua.name
            if list_pages:
                script = new_page_script(url, list_pages)
                scripts.append(script)
            # Warm-up: each worker's first requests (imports, templates, caches).
            run_wrk(args.port, url, cookies[who], 2, args.connections, script)
            results[name] = run_wrk(
                args.port, url, cookies[who], args.seconds, args.connections, script
            )
            r = results[name]
            print(
                f"  {name:38} {r['rps']:8.1f} req/s  p50 {r['p50_us'] / 1000:7.1f} ms  "
                f"p95 {r['p95_us'] / 1000:7.1f} ms  errors {r['errors']}",
                flush=True,
            )
        failed = False
    finally:
        if server is not None:
            stop_server(server, show_log=failed)
        for script in [lua.name, *scripts]:
            os.unlink(script)
        print(f"  ({access_log_added(db, since)} access-log rows written by this run's page views)")

    full = json.loads(child(app_dir, ["--count-only"], db))
    ensure_small_db(args.small_db, app_dir)
    small = json.loads(child(app_dir, ["--count-only"], args.small_db))

    bare = results["bare view"]["rps"]
    print()
    print(
        f"gunicorn {args.worker_class}, {args.workers} workers × {args.threads} thread(s), "
        f"wrk 1 thread, {args.connections} connections, {args.seconds} s per page, DEBUG off"
    )
    print(
        f"households: {full['households']:,} (this database), {small['households']:,} (small demo)"
    )
    header = (
        f"{'page':38} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'÷ bare':>7} "
        f"{'queries':>9} {'small db':>9}  targets"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        ratio = r["rps"] / bare
        q_full = full["counts"].get(name, ["-", "-"])[1]
        q_small = small["counts"].get(name, ["-", "-"])[1]
        ok = []
        if name != "bare view":
            ok.append("rps≥¼ bare " + ("ok" if ratio >= 0.25 else "MISSED"))
            ok.append("p95<100ms " + ("ok" if r["p95_us"] < 100_000 else "MISSED"))
            ok.append("queries " + ("same" if q_full == q_small else "GROW"))
        if r["errors"]:
            ok.append(f"{r['errors']} ERRORS")
        print(
            f"{name:38} {r['rps']:8.1f} {r['p50_us'] / 1000:8.1f} {r['p95_us'] / 1000:8.1f} "
            f"{ratio:7.2f} {q_full:>9} {q_small:>9}  {', '.join(ok)}"
        )
    cold = {k: v[0] for k, v in full["counts"].items() if v[0] != v[1]}
    if cold:
        print("first request, cold caches (queries):", ", ".join(f"{k} {v}" for k, v in cold.items()))
    print(f"wall time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
