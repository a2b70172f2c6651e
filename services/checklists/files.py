"""Files that belong to checklists: photos of fails and CSV exports.

They live beside the SQLite database (so a backup of that folder keeps them together), or
in the per-user data folder when the database is on a server. TABLESIDE_DATA_DIR moves
them, for tests and for a tablet whose database folder is read-only.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from platformdirs import user_data_dir, user_documents_dir

from db.engine import sqlite_path
from db.store import Store
from services.errors import DomainError

PHOTO_MAX_BYTES = 15 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")


def data_folder(store: Store) -> Path:
    override = os.environ.get("TABLESIDE_DATA_DIR")
    if override:
        return Path(override)
    path = sqlite_path(store.url)
    if path is not None:
        return Path(path).resolve().parent
    return Path(user_data_dir("Tableside", appauthor=False))


def photos_folder(store: Store) -> Path:
    return data_folder(store) / "photos"


def exports_folder(store: Store) -> Path:
    """Where exports go: a folder the person can open with the tablet's file manager (the
    Documents folder), not the app's data folder beside the database. TABLESIDE_EXPORTS_DIR
    moves it; with TABLESIDE_DATA_DIR set (tests, a read-only install) it stays in there."""
    override = os.environ.get("TABLESIDE_EXPORTS_DIR")
    if override:
        return Path(override)
    if not os.environ.get("TABLESIDE_DATA_DIR"):
        documents = Path(user_documents_dir())
        if documents.is_dir():
            return documents / "Tableside" / "exports"
    return data_folder(store) / "exports"


def _looks_like_image(head: bytes) -> bool:
    # By content, not by name: a renamed document must not pass as a photo.
    return (
        head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith(b"\xff\xd8\xff")
        or head[:6] in (b"GIF87a", b"GIF89a")
        or head.startswith(b"BM")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    )


def check_photo(source: Path) -> Path:
    """The photo to attach, if it is a readable image file of sensible size."""
    if source.suffix.lower() not in IMAGE_SUFFIXES:
        raise DomainError("The photo must be an image file (PNG, JPEG, GIF, BMP or WebP).")
    try:
        size = source.stat().st_size
        with source.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise DomainError("The photo file cannot be read.") from exc
    if size > PHOTO_MAX_BYTES:
        raise DomainError(
            "The photo is too large: at most {max} MB.", max=PHOTO_MAX_BYTES // (1024 * 1024)
        )
    if not _looks_like_image(head):
        raise DomainError("The photo must be an image file (PNG, JPEG, GIF, BMP or WebP).")
    return source


def keep_photo(store: Store, source: Path, run_id: int, item_id: int) -> str:
    """Copy the photo into the photos folder; returns its name there (what is recorded)."""
    folder = photos_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"run{run_id}-item{item_id}-{uuid.uuid4().hex[:12]}{source.suffix.lower()}"
    try:
        shutil.copyfile(source, folder / name)
    except OSError as exc:
        raise DomainError("The photo could not be saved on this tablet.") from exc
    return name


def drop_photo(store: Store, name: str) -> None:
    """Remove a photo copied for a tick that was then refused or rolled back."""
    (photos_folder(store) / name).unlink(missing_ok=True)


def write_export(store: Store, name: str, text: str) -> Path:
    folder = exports_folder(store)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        # utf-8-sig: spreadsheet programs then read the Chinese text right.
        target.write_text(text, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DomainError("The export could not be written: {reason}", reason=exc.strerror) from exc
    return target
