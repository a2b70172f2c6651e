"""Shared fixtures: a migrated store on SQLite and on the real PostgreSQL server.

Kivy's environment is set here, before anything can import kivy (see docs/ui-testing.md).
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_WINDOW", "sdl2")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KCFG_GRAPHICS_WIDTH", "1280")
os.environ.setdefault("KCFG_GRAPHICS_HEIGHT", "800")

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db import migrate
from db.store import Store

# The PostgreSQL server the tests use. CI makes sure it is there; the tests never skip it
# unless TABLESIDE_TEST_SKIP_PG=1 is set by hand.
PG_URL = os.environ.get("TABLESIDE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SKIP_PG = os.environ.get("TABLESIDE_TEST_SKIP_PG") == "1"


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url_for(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated once; each test gets a copy made from it."""
    if SKIP_PG:
        pytest.skip("TABLESIDE_TEST_SKIP_PG=1 was set by hand")
    name = f"tableside_tpl_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server must be there: fail loudly, never skip silently
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
    migrate.upgrade(_pg_url_for(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _sqlite_copy(template: Path, target: Path) -> str:
    migrate.backup_sqlite(template, target)
    return f"sqlite:///{target}"


@contextmanager
def _pg_copy(template_name: str) -> Iterator[str]:
    name = f"tableside_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    try:
        yield _pg_url_for(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        yield _sqlite_copy(template, tmp_path / "tableside.db")
        return
    with _pg_copy(request.getfixturevalue("pg_template")) as url:
        yield url


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A migrated, empty PostgreSQL database (for tests that are about PostgreSQL itself)."""
    with _pg_copy(pg_template) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite database (for tests that are about SQLite itself)."""
    return _sqlite_copy(sqlite_template, tmp_path / "tableside.db")
