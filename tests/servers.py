"""Real servers on loopback for the tests and scripts/: PostgreSQL and nginx, each in a temporary folder.

- ``postgres()`` runs Debian's server binaries (``initdb``, ``pg_ctl``): initdb into a temporary
  folder, start on a free loopback port (its socket in that folder too), create the database
  ``policybot``; stopped and removed at the end. As root, the server runs as the ``postgres``
  account (initdb refuses root).
- ``nginx()`` runs Debian's nginx as a reverse proxy in front of several ``policybot serve``
  webhook listeners (round robin; a replica that refuses connections is skipped, and a request
  that failed on one is passed to the next: safe, because the inbox recognises an update it has
  seen). Each response carries the replica that answered it in ``X-Upstream``.

Both raise ``ServerMissing`` (with the install command) when the binaries are not installed, and
``RuntimeError`` when the server does not start; tests/conftest.py turns these into a failure or
a skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_INSTALL = "apt-get install -y postgresql"
PG_USER = "postgres"  # the unprivileged account Debian's package creates; initdb refuses to run as root
NGINX_INSTALL = "apt-get install -y nginx"


class ServerMissing(RuntimeError):
    """The server's binaries are not installed; the message says how to install them."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Until something accepts connections on 127.0.0.1:port (False after ``timeout`` s, or when
    ``alive()`` says the process died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


# -- PostgreSQL ---------------------------------------------------------------------------------


def postgres_bin() -> Path:
    """The folder of initdb and pg_ctl: Debian's /usr/lib/postgresql/N/bin (newest), or PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    initdb = found[-1] if found else shutil.which("initdb")
    if initdb is None or shutil.which("pg_ctl", path=str(Path(initdb).parent)) is None:
        raise ServerMissing(f"PostgreSQL server binaries (initdb, pg_ctl) not found; run `{PG_INSTALL}`")
    return Path(initdb).parent


@dataclass(frozen=True)
class PgServer:
    """A running server: ``url(db)`` is a postgresql:// URL with the password in it."""

    host: str
    port: int
    password: str

    def url(self, dbname: str = "policybot") -> str:
        return f"postgresql://{PG_USER}:{self.password}@{self.host}:{self.port}/{dbname}"

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]


@contextmanager
def postgres() -> Iterator[PgServer]:
    bin_dir = postgres_bin()
    as_root = os.geteuid() == 0
    if as_root:
        try:
            account = pwd.getpwnam(PG_USER)
        except KeyError:
            raise ServerMissing(f"no '{PG_USER}' account to run the server as; run `{PG_INSTALL}`") from None
    run_as = ["runuser", "-u", PG_USER, "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="policybot-pg-"))  # not under a root-only tmp folder
    password = secrets.token_hex(8)
    (folder / "pw").write_text(password + "\n")
    if as_root:
        os.chown(folder, account.pw_uid, account.pw_gid)
        os.chown(folder / "pw", account.pw_uid, account.pw_gid)
    data, port = folder / "data", free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*run_as, *args], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()} {log}")

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            PG_USER,
            f"--pwfile={folder / 'pw'}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o", options, "start")
        server = PgServer("127.0.0.1", port, password)
        server.admin("CREATE DATABASE policybot")
        yield server
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


# -- nginx --------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        raise ServerMissing(f"nginx not found; run `{NGINX_INSTALL}`")
    return found


def nginx_config(folder: Path, port: int, upstreams: Sequence[int], path: str) -> str:
    """The proxy's configuration: the part inside ``http`` is what the README recommends, minus TLS."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstreams)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
worker_processes 1;  # one round-robin state: requests alternate strictly between the replicas
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    log_format replicas '$msec $status $upstream_addr $upstream_status $request_time';
    access_log {folder / "access.log"} replicas;
{temp}
    upstream policybot {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        location {path} {{
            proxy_pass http://policybot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # A replica that is down is skipped; a request that failed on one goes to the next,
            # POST included: the inbox recognises an update it has already stored.
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass(frozen=True)
class Nginx:
    port: int
    folder: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def access_log(self) -> list[str]:
        log = self.folder / "access.log"
        return log.read_text().splitlines() if log.exists() else []


@contextmanager
def nginx(upstreams: Sequence[int], path: str = "/policybot") -> Iterator[Nginx]:
    """nginx on a free loopback port, balancing ``path`` over the replicas listening on ``upstreams``."""
    binary = nginx_binary()
    folder = Path(tempfile.mkdtemp(prefix="policybot-nginx-"))
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(folder, port, upstreams, path))
    # -e: the error log before the configuration is read (else /var/log/nginx, maybe not writable)
    command = [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf), "-g", "daemon off;"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        if not wait_for_port(port, 20, alive=lambda: proc.poll() is None):
            errors = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
            raise RuntimeError(f"nginx did not start: {errors.strip()[-1000:]}")
        yield Nginx(port, folder)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
