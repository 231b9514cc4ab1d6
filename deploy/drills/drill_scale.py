"""``make drill-scale``: beyond one machine, on real PostgreSQL replication (issue 20).

On this one machine the drill builds what a province would run on several:

- a second PostgreSQL cluster, a streaming replica of the local one
  (``pg_basebackup`` with a replication slot, on a port of its own);
- two gunicorn app servers (A and B), both with ``DATABASE_REPLICA_URLS``
  pointing at the replica, sharing Redis (cache, page-cache invalidation) and
  the primary;
- nginx (Debian's package) in front of both, on loopback.

Then, each phase printing its figures:

(a) Reads: client threads read public pages and the API through nginx; the
    share of transactions the replica served is counted on the replica
    (``pg_stat_database``) against those the primary served meanwhile.
(b) Cross-server edits: a clerk logged in on A changes a compound's English
    name in the admin; the clerk's next request, to B, must show it; and an
    anonymous visitor's request to B right after it is counted too.
(c) Read your writes with replication paused (``pg_wal_replay_pause()``): a
    resident sends feedback and reads it back by its reference through nginx,
    and the clerk edits on A and reads on B: every read must see the write
    (0 misses). The same reads without the visitor's cookie show that the
    replica was indeed behind. Then, still paused, the replica's lag passes
    ``DATABASE_REPLICA_MAX_LAG_SECONDS`` and the servers leave it: the time
    until an anonymous read sees the write is printed. Replay resumes.
(d) The replica stopped under load (``pg_ctl stop -m immediate``): no request
    may fail; printed are the answers before and after, the slowest, and the
    time until both servers' ``/healthz`` report the replica unavailable.

Everything it started is stopped and removed afterwards (also on Ctrl-C or
SIGTERM): nginx, both servers, the replica's cluster and folder, its
replication slot, and the line it added to ``pg_hba.conf`` for replication
from 127.0.0.1 when none allowed it. The drill database is kept, as the other
drills keep it. Needs root (the replica runs as the ``postgres`` user), Redis,
and nginx and pg_basebackup (installed with apt-get when missing).

Environment (besides common.py's): DRILL_REPLICA_PORT (55432), DRILL_READ_SECONDS
(10), DRILL_EDITS (10), DRILL_CLIENTS (4), DRILL_MAX_LAG (8: the servers'
DATABASE_REPLICA_MAX_LAG_SECONDS).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import common
from common import say

REPLICA_PORT = int(os.environ.get("DRILL_REPLICA_PORT", "55432"))
READ_SECONDS = float(os.environ.get("DRILL_READ_SECONDS", "10"))
EDITS = int(os.environ.get("DRILL_EDITS", "10"))
CLIENTS = int(os.environ.get("DRILL_CLIENTS", "4"))
MAX_LAG = float(os.environ.get("DRILL_MAX_LAG", "8"))
SLOT = "portal_drill_scale"
HBA_MARKER = "# added by make drill-scale (removed when it ends)"
HBA_LINE = f"host replication all 127.0.0.1/32 trust {HBA_MARKER}"
# Settings a hot standby needs at least as high as its primary's.
STANDBY_MINIMA = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
PRIMARY = "postgres://postgres@127.0.0.1:5432/postgres"


# ------------------------------------------------------------------------------
# Shell helpers
# ------------------------------------------------------------------------------
def run(*command, check=True, **kwargs):
    return subprocess.run(
        command, check=check, capture_output=True, text=True, timeout=600, **kwargs
    )


def as_postgres(*command, check=True):
    return run("runuser", "-u", "postgres", "--", *command, check=check)


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/" + name))
    if not versions:
        raise RuntimeError(f"{name} not found: apt-get install postgresql")
    return str(versions[-1])


def ensure_packages() -> None:
    if shutil.which("nginx") is None:
        say("  installing nginx (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        # Debian's postinst would start nginx on port 80; a policy-rc.d
        # answering 101 stops that (kept when one is already there).
        policy = Path("/usr/sbin/policy-rc.d")
        made = not policy.exists()
        if made:
            policy.write_text("#!/bin/sh\nexit 101\n")
            policy.chmod(0o755)
        try:
            run("apt-get", "install", "-y", "-qq", "nginx", env=env)
        finally:
            if made:
                policy.unlink()


def sql(url: str, statement: str) -> str:
    return run(
        "psql", common.libpq_url(url), "-v", "ON_ERROR_STOP=1", "-At", "-c", statement
    ).stdout.strip()


# ------------------------------------------------------------------------------
# The replica
# ------------------------------------------------------------------------------
@dataclass
class Replica:
    folder: Path
    port: int
    hba_file: Path | None = None
    slot_made: bool = False
    started: bool = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        as_postgres(
            pg_bin("pg_ctl"),
            "-D",
            str(self.folder),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        if self.started:
            as_postgres(
                pg_bin("pg_ctl"),
                "-D",
                str(self.folder),
                "-m",
                mode,
                "-w",
                "stop",
                check=False,
            )
            self.started = False


def allow_replication(replica: Replica) -> None:
    hba = Path(sql(PRIMARY, "SHOW hba_file"))
    rules = sql(
        PRIMARY,
        "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database)"
        " AND type IN ('host', 'hostnossl') AND auth_method = 'trust'",
    )
    if rules != "0":
        return
    text = hba.read_text()
    hba.write_text(HBA_LINE + "\n" + text)
    replica.hba_file = hba
    sql(PRIMARY, "SELECT pg_reload_conf()")
    say(f"  pg_hba.conf: replication from 127.0.0.1 allowed ({hba})")


def forbid_replication_again(replica: Replica) -> None:
    if replica.hba_file is None:
        return
    lines = replica.hba_file.read_text().splitlines(keepends=True)
    replica.hba_file.write_text(
        "".join(line for line in lines if HBA_MARKER not in line)
    )
    with contextlib.suppress(Exception):
        sql(PRIMARY, "SELECT pg_reload_conf()")
    replica.hba_file = None


def make_replica(state: Path) -> Replica:
    folder = state / f"replica-{os.getpid()}"
    replica = Replica(folder=folder, port=REPLICA_PORT)
    allow_replication(replica)
    with contextlib.suppress(Exception):  # a slot left by a drill that was killed
        sql(PRIMARY, f"SELECT pg_drop_replication_slot('{SLOT}')")
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.chown(folder.parent, "postgres")
    started = time.monotonic()
    as_postgres(
        pg_bin("pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        "5432",
        "-U",
        "postgres",
        "-D",
        str(folder),
        "-R",
        "-X",
        "stream",
        "-C",
        "-S",
        SLOT,
        "-c",
        "fast",
    )
    replica.slot_made = True
    minima = "\n".join(
        f"{name} = {sql(PRIMARY, f'SHOW {name}')}" for name in STANDBY_MINIMA
    )
    # Debian keeps the configuration outside the data folder: the copy has none.
    (folder / "postgresql.conf").write_text(
        f"port = {REPLICA_PORT}\n"
        "listen_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{folder}'\n"
        "hot_standby = on\n"
        f"{minima}\n"
    )
    (folder / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    )
    run("chown", "-R", "postgres:postgres", str(folder))
    folder.chmod(0o700)
    replica.start()
    say(
        f"  replica: pg_basebackup + start in {time.monotonic() - started:.1f} s,"
        f" port {REPLICA_PORT}, slot {SLOT}"
    )
    return replica


def remove_replica(replica: Replica | None) -> None:
    if replica is None:
        return
    replica.stop("immediate")
    if replica.slot_made:
        with contextlib.suppress(Exception):
            sql(PRIMARY, f"SELECT pg_drop_replication_slot('{SLOT}')")
    shutil.rmtree(replica.folder, ignore_errors=True)
    forbid_replication_again(replica)


def transactions(url: str, database: str) -> int:
    return int(
        sql(
            url,
            f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'",
        )
    )


# ------------------------------------------------------------------------------
# nginx in front of the two app servers
# ------------------------------------------------------------------------------
@dataclass
class Nginx:
    process: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_nginx(folder: Path, upstreams: list[int]) -> Nginx:
    port = common.free_port()
    folder.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"    server 127.0.0.1:{upstream};" for upstream in upstreams)
    config = folder / "nginx.conf"
    config.write_text(
        f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  upstream portal {{
{servers}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $remote_addr;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"""
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(config), "-g", "daemon off; user root;"],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "stderr.log").open("w"),
    )
    nginx = Nginx(process=process, port=port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((folder / "stderr.log").read_text())
        if common.request(nginx.base, "GET", "/healthz", timeout=2).status == 200:
            return nginx
        time.sleep(0.2)
    nginx.stop()
    raise RuntimeError("nginx did not answer within 20 s")


# ------------------------------------------------------------------------------
# A visitor: a cookie jar and one keep-alive connection per server
# ------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    body: str
    headers: dict
    seconds: float


@dataclass
class Visitor:
    cookies: dict = field(default_factory=dict)

    def send(
        self,
        base: str,
        method: str,
        path: str,
        *,
        form: list[tuple[str, str]] | None = None,
        data: dict | None = None,
        headers: dict | None = None,
        timeout: float = 10,
    ) -> Reply:
        parts = urllib.parse.urlsplit(base)
        sent = {**common.PROXY_HEADERS, "Connection": "close", **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            sent["Content-Type"] = "application/json"
        if body is not None:
            sent["Referer"] = f"https://{parts.netloc}{path}"
            sent["Origin"] = f"https://{parts.netloc}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=timeout
        )
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "max-age=0" in header.lower() or value in {"", '""'}:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            return Reply(
                response.status,
                text,
                {k.lower(): v for k, v in response.getheaders()},
                time.monotonic() - started,
            )
        except (OSError, http.client.HTTPException) as error:
            return Reply(0, type(error).__name__, {}, time.monotonic() - started)
        finally:
            connection.close()


class FormFields(HTMLParser):
    """The fields a browser would send from the form whose id is given."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append(
                (name, attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select = {"name": name, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "on": "selected" in attrs,
            }
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            if self._select["first"] is None:
                self._select["first"] = value
            if self._option["on"]:
                self._select["chosen"].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or (
                [self._select["first"]] if self._select["first"] is not None else []
            )
            self.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline right after <textarea>.
            self.fields.append(
                (self._textarea[0], self._textarea[1].removeprefix("\n"))
            )
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


class Clerk:
    def __init__(self, base: str, username: str, password: str, admin: str) -> None:
        self.visitor = Visitor()
        self.base = base
        self.admin = admin
        login = f"/{admin}login/"
        page = self.visitor.send(base, "GET", login)
        answer = self.visitor.send(
            base,
            "POST",
            login,
            form=[
                ("csrfmiddlewaretoken", csrf_token(page.body)),
                ("username", username),
                ("password", password),
                ("next", f"/{admin}"),
            ],
        )
        if answer.status != 302:
            raise RuntimeError(f"the clerk could not log in on {base}: {answer.status}")

    def rename(self, estate_id: int, name_en: str) -> Reply:
        path = f"/{self.admin}estates/estate/{estate_id}/change/"
        page = self.visitor.send(self.base, "GET", path)
        fields = [
            (name, name_en if name == "name_en" else value)
            for name, value in form_fields(page.body, "estate_form")
        ]
        if not any(name == "name_en" for name, _value in fields):
            raise RuntimeError("the compound's change form has no name_en field")
        fields.append(("_continue", "1"))
        return self.visitor.send(self.base, "POST", path, form=fields)


# ------------------------------------------------------------------------------
# Load: client threads reading through nginx
# ------------------------------------------------------------------------------
@dataclass
class Load:
    base: str
    paths: list[str]
    answers: list[tuple[float, int, float]] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _client(self, offset: int) -> None:
        visitor = Visitor()
        index = offset
        while not self.stop_event.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            reply = visitor.send(self.base, "GET", path, timeout=10)
            with self.lock:
                self.answers.append((time.monotonic(), reply.status, reply.seconds))

    def start(self) -> None:
        for number in range(CLIENTS):
            thread = threading.Thread(target=self._client, args=(number,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def between(self, start: float, end: float) -> list[tuple[float, int, float]]:
        with self.lock:
            return [answer for answer in self.answers if start <= answer[0] < end]


def describe(answers) -> str:
    if not answers:
        return "no answers"
    times = sorted(seconds for _at, _status, seconds in answers)
    statuses: dict[int, int] = {}
    for _at, status, _seconds in answers:
        statuses[status] = statuses.get(status, 0) + 1
    p50 = times[len(times) // 2] * 1000
    return (
        f"{len(answers)} answers {dict(sorted(statuses.items()))},"
        f" p50 {p50:.0f} ms, slowest {times[-1] * 1000:.0f} ms"
    )


def failed(answers) -> int:
    return sum(1 for _at, status, _s in answers if not (200 <= status < 400))


# ------------------------------------------------------------------------------
# The drill
# ------------------------------------------------------------------------------
def make_clerk_account(env: dict, username: str, password: str) -> None:
    code = (
        "from django.contrib.auth import get_user_model\n"
        "User = get_user_model()\n"
        f"user, _ = User.objects.get_or_create(username={username!r})\n"
        "user.is_staff = user.is_superuser = True\n"
        f"user.set_password({password!r})\n"
        "user.save()\n"
    )
    common.manage(env, "shell", "--command", code)


def main() -> int:
    if os.geteuid() != 0:
        say("FAIL drill-scale: needs root (the replica runs as the postgres user)")
        return 1
    ensure_packages()
    redis = common.redis_url()
    if not redis:
        say("FAIL drill-scale: needs Redis (shared cache and page-cache invalidation)")
        return 1
    failures: list[str] = []
    folder = common.workdir()
    database = common.database_url()
    name = common.database_name(database)
    replica = nginx = None
    servers: list[common.Portal] = []
    load = None
    clerk_name, clerk_password = "drill-clerk", secrets.token_urlsafe(16)
    try:
        say("== Set-up")
        common.create_database(database)
        setup_env = common.portal_env(
            database=database, redis=redis, static_root=folder / "static"
        )
        common.prepare_database(setup_env)
        common.collectstatic(setup_env)
        make_clerk_account(setup_env, clerk_name, clerk_password)
        run("redis-cli", "-u", redis, "FLUSHDB")
        replica = make_replica(common.STATE_DIR)
        replica_url = replica.url(name)
        # One environment for both servers: the same SECRET_KEY signs sessions
        # and the read-your-writes cookie.
        env = common.portal_env(
            database=database,
            redis=redis,
            static_root=folder / "static",
            DATABASE_REPLICA_URLS=replica_url,
            DATABASE_REPLICA_MAX_LAG_SECONDS=MAX_LAG,
            DATABASE_REPLICA_CHECK_SECONDS=1,
            PAGE_CACHE_SECONDS=600,
        )
        for label in ("a", "b"):
            workdir = folder / f"server-{label}"
            workdir.mkdir()
            servers.append(common.start_portal(env, workdir, workers=2))
        server_a, server_b = servers
        nginx = start_nginx(folder / "nginx", [server.port for server in servers])
        say(
            f"  servers A :{server_a.port} and B :{server_b.port} (2 workers each),"
            f" nginx :{nginx.port}, replica :{replica.port}, Redis {redis}"
        )
        health = Visitor().send(server_a.base, "GET", "/healthz").body
        say(f"  A's /healthz: {health}")
        estates = Visitor().send(nginx.base, "GET", "/api/v1/estates/?page_size=5")
        estate = json.loads(estates.body)["results"][0]
        slug = estate["slug"]
        estate_id = int(
            sql(database, f"SELECT id FROM estates_estate WHERE slug = '{slug}'")
        )
        public_page = f"/en/estates/{slug}/"
        paths = [
            "/api/v1/estates/?page_size=20",
            f"/api/v1/estates/{slug}/",
            "/en/estates/?page=1",
            "/estates/?page=1",
            "/api/v1/lanes/",
            "/api/v1/stats/",
            public_page,
            "/",
        ]

        say("\n== (a) Public reads through nginx: who serves them")
        time.sleep(1.5)  # statistics are flushed about once a second
        replica_before = transactions(replica_url, name)
        primary_before = transactions(database, name)
        load = Load(nginx.base, paths)
        start = time.monotonic()
        load.start()
        time.sleep(READ_SECONDS)
        load.stop()
        answers = load.between(start, time.monotonic())
        time.sleep(1.5)
        on_replica = transactions(replica_url, name) - replica_before
        # Less this drill's own two counting queries on the primary.
        on_primary = max(0, transactions(database, name) - primary_before - 1)
        share = on_replica / max(1, on_replica + on_primary)
        say(f"  {describe(answers)} in {READ_SECONDS:.0f} s")
        say(
            f"  transactions: replica {on_replica}, primary {on_primary}"
            f" -> reads served by the replica: {share:.1%}"
        )
        if failed(answers):
            failures.append(f"(a) {failed(answers)} reads failed")
        if share < 0.9:
            failures.append(f"(a) the replica served {share:.1%} of reads (< 90%)")

        say("\n== (b) A clerk's edit on server A, read on server B")
        clerk = Clerk(server_a.base, clerk_name, clerk_password, env_admin(env))
        anonymous = Visitor()
        anonymous.send(server_b.base, "GET", public_page)  # cached on B
        clerk_seen = anonymous_seen = 0
        late: list[str] = []
        for number in range(EDITS):
            marker = f"Drill edit {number} {uuid.uuid4().hex[:8]}"
            saved = clerk.rename(estate_id, marker)
            if saved.status != 302:
                failures.append(f"(b) edit {number}: the admin answered {saved.status}")
                continue
            own = clerk.visitor.send(server_b.base, "GET", public_page)
            other = anonymous.send(server_b.base, "GET", public_page)
            clerk_seen += marker in own.body
            anonymous_seen += marker in other.body
            if marker not in other.body:
                waited = time.monotonic()
                while time.monotonic() - waited < 10:
                    again = anonymous.send(server_b.base, "GET", public_page)
                    if marker in again.body:
                        break
                late.append(
                    f"{other.headers.get('x-page-cache', 'none')}, seen after"
                    f" {(time.monotonic() - waited) * 1000:.0f} ms"
                )
        say(f"  the clerk's next request, to B, showed the edit: {clerk_seen}/{EDITS}")
        say(
            "  an anonymous visitor's next request to B showed it:"
            f" {anonymous_seen}/{EDITS}"
        )
        for text in late:
            say(f"    missed ({text})")
        if clerk_seen != EDITS:
            failures.append(f"(b) the clerk saw {clerk_seen}/{EDITS} edits on B")
        if anonymous_seen != EDITS:
            failures.append(f"(b) anonymous visitors saw {anonymous_seen}/{EDITS} on B")

        say("\n== (c) Read your writes with replication paused")
        sql(replica_url, "SELECT pg_wal_replay_pause()")
        say(f"  replay paused: {sql(replica_url, 'SELECT pg_is_wal_replay_paused()')}")
        paused_at = time.monotonic()
        own_misses = stranger_misses = 0
        path = ""
        resident = Visitor()
        for number in range(EDITS):
            sent = resident.send(
                nginx.base,
                "POST",
                "/api/v1/feedback/",
                data={"estate": slug, "category": "other", "text": f"演练 {number}"},
            )
            if sent.status != 201:
                failures.append(
                    f"(c) feedback {number}: {sent.status} {sent.body[:200]}"
                )
                continue
            reference = json.loads(sent.body)["reference"]
            path = f"/api/v1/feedback/{reference}/"
            for server in (server_a, server_b):
                own_misses += resident.send(server.base, "GET", path).status != 200
                stranger_misses += (
                    Visitor().send(server.base, "GET", path).status != 200
                )
        marker = f"Paused edit {uuid.uuid4().hex[:8]}"
        edited = clerk.rename(estate_id, marker)
        clerk_after = clerk.visitor.send(server_b.base, "GET", public_page)
        own_misses += marker not in clerk_after.body
        stranger = Visitor().send(server_b.base, "GET", public_page)
        say(
            f"  {EDITS} feedback sent, each read back on A and B by its sender:"
            f" {own_misses} misses (the clerk's edit included;"
            f" the admin answered {edited.status})"
        )
        say(
            f"  the same reads by a visitor who did not write: {stranger_misses}"
            f"/{2 * EDITS} feedback missed (the replica is behind); the edited page"
            f" {'missed' if marker not in stranger.body else 'showed'} the edit (a"
            " stored page just changed is rendered from the primary)"
        )
        if own_misses:
            failures.append(f"(c) {own_misses} reads of one's own write missed it")
        if stranger_misses == 0:
            failures.append("(c) the replica was not behind: the check proves nothing")
        # Still paused: the lag passes the limit and the servers leave the
        # replica. An API answer is never cached: a visitor who wrote nothing
        # reads the last feedback from the replica until then.
        fell_back = None
        deadline = time.monotonic() + MAX_LAG + 30
        while time.monotonic() < deadline and path:
            if Visitor().send(server_b.base, "GET", path).status == 200:
                fell_back = time.monotonic() - paused_at
                break
            time.sleep(0.25)
        lag = Visitor().send(server_b.base, "GET", "/healthz").body
        if fell_back is None:
            failures.append("(c) the servers never left the lagging replica")
        else:
            say(
                f"  lag past {MAX_LAG:.0f} s: a visitor who wrote nothing reads the"
                f" last feedback on B {fell_back:.1f} s after the pause;"
                f" B's /healthz: {lag}"
            )
        sql(replica_url, "SELECT pg_wal_replay_resume()")
        time.sleep(MAX_LAG / 2 + 2)  # the replica catches up and serves again

        say("\n== (d) The replica stopped under load")
        load = Load(nginx.base, paths)
        load.start()
        time.sleep(3)
        stopped_at = time.monotonic()
        replica.stop("immediate")
        reported = {}
        while len(reported) < 2 and time.monotonic() - stopped_at < 30:
            for label, server in (("A", server_a), ("B", server_b)):
                if label in reported:
                    continue
                answer = Visitor().send(server.base, "GET", "/healthz", timeout=5)
                with contextlib.suppress(ValueError):
                    status = json.loads(answer.body)["replicas"]["replica"]["status"]
                    if status == "unavailable":
                        reported[label] = time.monotonic() - stopped_at
            time.sleep(0.05)
        time.sleep(5)
        load.stop()
        before = load.between(0, stopped_at)
        after = load.between(stopped_at, time.monotonic())
        say(f"  before the stop: {describe(before)}")
        say(f"  after the stop:  {describe(after)}")
        slow = [seconds for _at, _status, seconds in after if seconds > 1]
        say(
            f"  answers slower than 1 s after the stop: {len(slow)} (a connection"
            " opened while the replica shut down waits for its connect timeout)"
        )
        say(
            "  /healthz reports the replica unavailable after "
            + ", ".join(
                f"{label} {seconds * 1000:.0f} ms"
                for label, seconds in reported.items()
            )
        )
        errors = failed(before) + failed(after)
        say(f"  errors: {errors}")
        if errors:
            failures.append(f"(d) {errors} requests failed around the replica's stop")
        if len(reported) < 2:
            failures.append("(d) a server's /healthz never reported the replica down")
        for server in servers:
            if "Traceback" in server.log_text():
                failures.append(f"a traceback in {server.log_path}")
    finally:
        if load is not None:
            load.stop()
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()
        remove_replica(replica)
        with contextlib.suppress(Exception):
            run("redis-cli", "-u", redis, "FLUSHDB")
        shutil.rmtree(folder / "static", ignore_errors=True)
        say(
            "\n  cleaned up: nginx, both servers, the replica, its slot and pg_hba line"
        )
    return common.verdict("drill-scale", failures)


def env_admin(env: dict) -> str:
    return env.get("ADMIN_URL", "admin/").strip("/") + "/"


if __name__ == "__main__":
    common.run("drill-scale", main)
