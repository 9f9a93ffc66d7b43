"""Shared fixtures. The model, jieba and the real index are loaded once per session (they are slow)."""

from __future__ import annotations

import dataclasses
import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.config import PROJECT_ROOT, Settings

if TYPE_CHECKING:  # the service pulls in torch: fast tests never import it
    from bot.service import PolicyService, Resources

REPO = PROJECT_ROOT
CORPUS_FILE = REPO / "corpus" / "yingtan-education-2021-work-plan.txt"
DATA = Path(__file__).parent / "data"
SECOND_PLAN = DATA / "second_plan.txt"
# The given dev set lives beside the checkout (../shared); POLICYBOT_DEV_SET points elsewhere.
DEV_SET = Path(os.environ.get("POLICYBOT_DEV_SET", REPO.parent / "shared" / "eval" / "dev.jsonl"))
POLICYBOT = Path(sys.executable).parent / "policybot"


# Fixtures that load the real model or index: tests using them are the slow tier ("model" marker),
# everything else runs in `make test-fast`.
MODEL_FIXTURES = {"resources", "index_dir", "service", "resources_for", "run_cli"}


# Fixtures that start the PostgreSQL server: tests using them (or the "postgresql" case of
# database_url) carry the "postgres" marker, so a machine without the server can leave them out.
POSTGRES_FIXTURES = {"pg_server", "pg_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if MODEL_FIXTURES & names:
            item.add_marker(pytest.mark.model)
        callspec = getattr(item, "callspec", None)
        if POSTGRES_FIXTURES & names or (callspec is not None and callspec.params.get("database_url") == "postgresql"):
            item.add_marker(pytest.mark.postgres)


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any POLICYBOT_* variable, plus ``settings``: a CLI
    subprocess then sees exactly the configuration a test gives it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env.update(settings)
    return env


def make_settings(**overrides: object) -> Settings:
    """Settings that ignore any developer .env file."""
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("policybot")


@pytest.fixture(scope="session")
def normalize() -> Callable[[str], str]:
    """The index's normaliser (NFKC, Traditional → Simplified, lower case); no model needed."""
    from bot.text import TextProcessor

    return TextProcessor().normalize


@pytest.fixture(scope="session")
def resources(session_dir: Path) -> Resources:
    from bot.service import Resources

    settings = make_settings(index_dir=session_dir / "index", data_dir=session_dir / "data")
    return Resources.load(settings)


@pytest.fixture(scope="session")
def index_dir(resources: Resources) -> Path:
    """The real corpus, built once with the real model into a session folder."""
    resources.build()
    return resources.settings.index_dir


@pytest.fixture(scope="session")
def service(resources: Resources, index_dir: Path) -> PolicyService:
    from bot.service import PolicyService

    return PolicyService(resources, resources.load_index())


@pytest.fixture
def resources_for(resources: Resources) -> Callable[..., Resources]:
    """The session's loaded model and text processor with other settings (folders, model name)."""

    def make(**overrides: object) -> Resources:
        settings = make_settings(**{**resources.settings.model_dump(), **overrides})
        return dataclasses.replace(resources, settings=settings)

    return make


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS_FILE, folder / CORPUS_FILE.name)
    return folder


@pytest.fixture
def run_cli(index_dir: Path, session_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `policybot` console script against the session index."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        defaults = {"POLICYBOT_INDEX_DIR": str(index_dir), "POLICYBOT_DATA_DIR": str(session_dir / "cli-data"),
                    "POLICYBOT_LOG_LEVEL": "WARNING"}
        full_env = clean_env(**{**defaults, **(env or {})})  # a test's own settings win
        return subprocess.run([str(POLICYBOT), *args], input=stdin, capture_output=True, text=True,
                              env=full_env, timeout=timeout, cwd=session_dir)

    return run


# -- PostgreSQL: a real server, started once per session ----------------------------------------

PG_INSTALL = "apt-get install -y postgresql"
PG_USER = "postgres"  # the unprivileged account Debian's package creates; initdb refuses to run as root


def _pg_bin() -> Path:
    """The folder of initdb and pg_ctl: Debian's /usr/lib/postgresql/N/bin (newest), or PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    initdb = found[-1] if found else shutil.which("initdb")
    if initdb is None or shutil.which("pg_ctl", path=str(Path(initdb).parent)) is None:
        pytest.fail(f"PostgreSQL server binaries (initdb, pg_ctl) not found; run `{PG_INSTALL}`", pytrace=False)
    return Path(initdb).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass(frozen=True)
class PgServer:
    """A running test server: ``url(db)`` is a postgresql:// URL with the password in it."""

    host: str
    port: int
    password: str

    def url(self, dbname: str = "policybot") -> str:
        return f"postgresql://{PG_USER}:{self.password}@{self.host}:{self.port}/{dbname}"

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """initdb into a temporary folder, start the server on a free loopback port (its socket in
    that folder too), create the database ``policybot``; stopped and removed at the end. As root,
    the server runs as the ``postgres`` account (initdb refuses root)."""
    bin_dir = _pg_bin()
    as_root = os.geteuid() == 0
    if as_root:
        try:
            account = pwd.getpwnam(PG_USER)
        except KeyError:
            pytest.fail(f"no '{PG_USER}' account to run the test server as; run `{PG_INSTALL}`", pytrace=False)
    run_as = ["runuser", "-u", PG_USER, "--"] if as_root else []
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="policybot-pg-"))  # not under pytest's root-only tmp folder
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
            pytest.fail(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()} {log}")

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER, f"--pwfile={folder / 'pw'}", "-E", "UTF8",
        "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o", options, "start")
    server = PgServer("127.0.0.1", port, password)
    try:
        server.admin("CREATE DATABASE policybot")
        sys.stderr.write(f"\nPostgreSQL test server up on port {port} in {time.perf_counter() - started:.1f} s\n")
        yield server
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)


_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A new, empty database on the session's server."""
    name = f"test_{next(_databases)}"
    pg_server.admin(f"CREATE DATABASE {name}")
    return pg_server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def sql(url: str, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run one statement on its own connection, outside the code under test (``?`` placeholders)."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(statement, params).fetchall()
