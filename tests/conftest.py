"""Shared fixtures. The model, jieba and the real index are loaded once per session (they are slow)."""

from __future__ import annotations

import dataclasses
import itertools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.config import PROJECT_ROOT, Settings
from tests import servers
from tests.servers import PgServer, free_port

if TYPE_CHECKING:  # the service pulls in torch: fast tests never import it
    from bot.service import PolicyService, Resources
    from bot.text import TextProcessor

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
NGINX_FIXTURES = {"nginx_bin"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if MODEL_FIXTURES & names:
            item.add_marker(pytest.mark.model)
        callspec = getattr(item, "callspec", None)
        if NGINX_FIXTURES & names:
            item.add_marker(pytest.mark.nginx)
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
def tp() -> TextProcessor:
    """The index's text processor (jieba with our dictionary, pinyin, stopwords); no model needed."""
    from bot.text import TextProcessor

    return TextProcessor()


@pytest.fixture(scope="session")
def normalize(tp: TextProcessor) -> Callable[[str], str]:
    """The index's normaliser (NFKC, Traditional → Simplified, lower case); no model needed."""
    return tp.normalize


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

    def run(
        *args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        defaults = {
            "POLICYBOT_INDEX_DIR": str(index_dir),
            "POLICYBOT_DATA_DIR": str(session_dir / "cli-data"),
            "POLICYBOT_LOG_LEVEL": "WARNING",
        }
        full_env = clean_env(**{**defaults, **(env or {})})  # a test's own settings win
        return subprocess.run(
            [str(POLICYBOT), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            cwd=session_dir,
        )

    return run


# -- PostgreSQL: a real server, started once per session (tests/servers.py) ---------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Debian's PostgreSQL server in a temporary folder on a free loopback port, with a database
    ``policybot``; stopped and removed at the end. Missing binaries fail the test with the command
    that installs them (the Makefile leaves these tests out of `make test-fast` then)."""
    started = time.perf_counter()
    try:
        with servers.postgres() as server:
            sys.stderr.write(
                f"\nPostgreSQL test server up on port {server.port} in {time.perf_counter() - started:.1f} s\n"
            )
            yield server
    except (servers.ServerMissing, RuntimeError) as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def nginx_bin() -> str:
    """nginx's binary; without it the replica tests are skipped, saying how to install it."""
    try:
        return servers.nginx_binary()
    except servers.ServerMissing as e:
        pytest.skip(f"{e} (the replica tests put nginx in front of two `policybot serve`)")


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
