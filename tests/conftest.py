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
# No multisampling: in software GL (llvmpipe) it made the UI tests a third slower
# (docs/ui-testing.md); the app itself keeps Kivy's default.
os.environ.setdefault("KCFG_GRAPHICS_MULTISAMPLES", "0")
# No frame-rate cap: the UI tests rasterize only for screenshots (tests/ui/conftest.py
# `Driver.skip_drawing`), so a frame is cheap and Kivy's wait for the next 1/60 s is idle time.
os.environ.setdefault("KCFG_GRAPHICS_MAXFPS", "0")

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import migrate
from db.store import Store
from services.people import pins
from tests.database_pool import PgPool
from tests.database_support import (
    PG_URL,
    SKIP_PG,
    Scenes,
    drop_pg_database,
    fresh_sqlite_copy,
    pg_database,
    pg_url_for,
    sqlite_copy,
    use_scenes,
)
from tests.kept_engines import KeptEngines
from tests.pin_checks import RememberedChecks

# Every Argon2 check of a (stored hash, PIN) pair is made once per worker (tests/pin_checks.py).
pins._hasher = RememberedChecks(pins._hasher)  # type: ignore[assignment]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated once (per worker) that the pool copies; nobody
    connects to it after the migration."""
    if SKIP_PG:
        pytest.skip("TABLESIDE_TEST_SKIP_PG=1 was set by hand")
    name = f"tableside_tpl_{uuid.uuid4().hex[:10]}"
    try:
        pg_database(name)
    except Exception as exc:  # the server must be there: fail loudly, never skip silently
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
    try:
        migrate.upgrade(pg_url_for(name))
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture(scope="session", autouse=True)
def scenes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenes]:
    """The demo restaurant and the *_support.py set-ups, built the first time a test asks
    for one (tests/database_support.py) and copied for the tests after that."""
    built = Scenes(tmp_path_factory.mktemp("scenes"))
    use_scenes(built)
    yield built
    use_scenes(None)


@pytest.fixture(scope="session")
def pg_pool(pg_template: str) -> Iterator[PgPool]:
    """This worker's PostgreSQL databases: copies of the template, reset after each test
    (tests/database_pool.py), all dropped at the end of the run."""
    pool = PgPool(pg_template)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def kept_engines() -> Iterator[KeptEngines]:
    kept = KeptEngines()
    yield kept
    kept.close()


@pytest.fixture(scope="session")
def sqlite_place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this worker's tests find their SQLite database: one path for all of them, so
    the engine for it is kept from test to test (tests/kept_engines.py)."""
    return tmp_path_factory.mktemp("store") / "tableside.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        place: Path = request.getfixturevalue("sqlite_place")
        yield fresh_sqlite_copy(template, place)
        return
    pool: PgPool = request.getfixturevalue("pg_pool")
    with pool.lease() as url:
        yield url


@pytest.fixture
def pg_url(pg_pool: PgPool) -> Iterator[str]:
    """A migrated, empty PostgreSQL database (for tests that are about PostgreSQL itself:
    roles, pg_dump); from the same pool, since the reset checks the schema, the
    privileges and the settings as well as the rows."""
    with pg_pool.lease() as url:
        yield url


@pytest.fixture
def store(db_url: str, kept_engines: KeptEngines) -> Iterator[Store]:
    s = kept_engines.store(db_url)
    yield s
    kept_engines.put_back(s)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite database (for tests that are about SQLite itself)."""
    return sqlite_copy(sqlite_template, tmp_path / "tableside.db")
