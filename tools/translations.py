"""Translations: extract the sentences from the code, update the catalogue, compile it.

    python -m tools.translations refresh    # after adding or changing sentences: extract,
                                            # update the .po, compile the .mo
    python -m tools.translations extract FILE.pot   # only the template, for a PO editor
    python -m tools.translations update     # .po from the code (new ones empty, unused gone)
    python -m tools.translations compile    # .mo from the .po
    python -m tools.translations from-json [FOLDER]  # fill the .po from the old JSON files

One domain, `tableside`, in assets/locale/<lang>/LC_MESSAGES/: a sentence is one entry
however many capabilities show it ("Cancel", "Table {number}"), so it is translated once;
one file also means one extraction and one lookup at run time. Entries are written sorted
by their English and with file names only (no line numbers), so two people adding
sentences in different places rarely touch the same lines.

Babel is a development tool (the `test` extra); the app reads the .mo with the standard
library (screens/localizer.py).
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from tools.kv_extract import extract_kv

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "assets" / "locale"
DOMAIN = "tableside"
LANGUAGES = ("zh",)  # English is the source: it needs no catalogue
SOURCES = ("screens", "services")
METHOD_MAP = [("**.py", "python"), ("**.kv", extract_kv)]

# What a translation call looks like to the extractor (Babel's keyword specs: the
# arguments that are the message, (n, "c") for a context). `tr` is this code's usual
# local name for the localizer's `_`; `say` shows a sentence on a screen's message line.
# DomainError and its kin are added by name (error_classes).
TRANSLATION_KEYWORDS: dict[str, tuple[Any, ...]] = {
    "_": (1,),
    "tr": (1,),
    "say": (1,),
    "N_": (1,),
    "ngettext": (1, 2),
    "Plural": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def error_classes() -> set[str]:
    """DomainError and the subclasses whose first argument is the sentence (one with its
    own __init__ takes other things first and marks its sentence with N_)."""
    import services
    from services.errors import DomainError

    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        if cls is DomainError or "__init__" not in vars(cls):
            names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def keywords() -> dict[str, tuple[Any, ...]]:
    return {**TRANSLATION_KEYWORDS, **dict.fromkeys(error_classes(), (1,))}


def extract(sources: Iterable[str] = SOURCES, root: Path = REPO) -> Catalog:
    """The template: every marked sentence of the .py and .kv files, with where it is."""
    template = Catalog(domain=DOMAIN, project="Tableside", fuzzy=False)
    found = keywords()
    for folder in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            root / folder,
            method_map=METHOD_MAP,
            keywords=found,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            location = (f"{folder}/{filename}", lineno)
            template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def read_catalogue(lang: str, path: Path | None = None) -> Catalog:
    with (path or po_path(lang)).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


HEADER = """\
# Tableside: the sentences of the app in {language}.
# Written by `python -m tools.translations refresh` (see CONTRIBUTING.md, Translations):
# fill in the msgstr lines; the same command compiles the .mo the app reads."""


def write_catalogue(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Babel's placeholders (ORGANIZATION, FIRST AUTHOR) would only mislead a translator.
    catalog.header_comment = HEADER.format(language=catalog.locale_identifier or "")
    catalog.project, catalog.version = "Tableside", "1"
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    """The .mo of a catalogue, as the stdlib gettext module reads it (fuzzy left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def missing(catalog: Catalog) -> list[str]:
    """The English of every entry with no translation yet."""
    return sorted(
        str(m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (not m.string or (not isinstance(m.string, str) and not all(m.string)))
    )


def update(lang: str, template: Catalog | None = None) -> Catalog:
    """The .po brought in line with the code: new sentences empty, unused ones dropped."""
    template = template or extract()
    path = po_path(lang)
    if path.exists():
        catalog = read_catalogue(lang)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="Tableside", fuzzy=False)
    # No fuzzy guesses: a guessed translation is not shown and hides that one is missing.
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    write_catalogue(catalog, path)
    return catalog


def compile_catalogue(lang: str) -> None:
    mo_path(lang).write_bytes(compiled(read_catalogue(lang)))


def from_json(folder: Path, lang: str = "zh") -> list[str]:
    """Fill the .po from the JSON catalogues of the old localizer; can be run again.

    A plain entry takes the JSON's Chinese (the JSON was the source until it is removed);
    an entry made plural or given a context takes it only while it has none, since the
    JSON had one sentence for what are now several. Returns the JSON keys no entry uses.
    """
    zh: dict[str, str] = {}
    for path in sorted((folder / lang).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        zh.update({k: v for k, v in entries.items() if not k.startswith("//")})
    catalog = update(lang)
    used: set[str] = set()
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.pluralizable:
            singular, plural = message.id
            key = plural if plural in zh else singular
            if key in zh and not any(message.string):
                message.string = (zh[key],)
            used.update({singular, plural})
        elif message.context:
            if message.id in zh and not message.string:
                message.string = zh[message.id]
            used.add(message.id)
        else:
            if message.id in zh:
                message.string = zh[message.id]
            used.add(message.id)
    write_catalogue(catalog, po_path(lang))
    compile_catalogue(lang)
    return sorted(set(zh) - used)


def _refresh() -> None:
    template = extract()
    for lang in LANGUAGES:
        catalog = update(lang, template)
        compile_catalogue(lang)
        todo = missing(catalog)
        print(f"{po_path(lang).relative_to(REPO)}: {len(todo)} without a translation")
        for sentence in todo:
            print(f"  {sentence}")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "refresh"
    if command == "refresh":
        _refresh()
    elif command == "extract" and len(argv) == 2:
        write_catalogue(extract(), Path(argv[1]))
    elif command == "update":
        for lang in LANGUAGES:
            update(lang)
    elif command == "compile":
        for lang in LANGUAGES:
            compile_catalogue(lang)
    elif command == "from-json":
        folder = Path(argv[1]) if len(argv) > 1 else REPO / "assets" / "i18n"
        unused = from_json(folder)
        print(f"{len(unused)} JSON keys that no sentence in the code uses:")
        for key in unused:
            print(f"  {key}")
        _refresh()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
