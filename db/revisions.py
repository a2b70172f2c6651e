"""Which schema revisions this app knows, read from the migration files without Alembic.

Why: every start of the app, and every admin command, checks the database's revision
against the app's (a database from a newer app is refused, one from an older app is
upgraded). Asking Alembic meant importing it (0.46 s on the development machine: its
package imports every dialect's DDL) and loading every migration as a module (0.5 s more:
they import the models and the audit chain), about a second of each start spent before the
first screen. The two values that answer it are literal assignments at the top of each
file in db/migrations/versions, `revision` and `down_revision`, which Alembic reads as
module attributes; here they are read from the source with `ast`, in a few milliseconds.
Alembic itself is imported only to upgrade. tests/test_migrations.py checks that both ways
give the same revisions and heads.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


class MigrationFileError(Exception):
    """A migration file without a literal `revision` (Alembic could not load it either)."""


def _literal(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return ast.literal_eval(value)
    return None


@cache
def migrations() -> dict[str, tuple[str, ...]]:
    """Each revision and the revisions it follows (none for the first, two for a merge)."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(VERSIONS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        revision = _literal(tree, "revision")
        if not isinstance(revision, str):
            raise MigrationFileError(f"{path.name} names no revision")
        down = _literal(tree, "down_revision")
        found[revision] = (down,) if isinstance(down, str) else tuple(down or ())
    return found


def known_revisions() -> set[str]:
    return set(migrations())


def head_revisions() -> frozenset[str]:
    """The newest revision of each line of migrations (one, once branches are merged)."""
    followed = {down for downs in migrations().values() for down in downs}
    return frozenset(set(migrations()) - followed)
