"""A Babel extraction method for Kivy's .kv files.

A kv rule's value is a Python expression (`text: l._('Seat party')`,
`text: l.ngettext('{count} child', '{count} children', root.n, count=root.n)`), so each
value is handed to Babel's own Python extractor, with the line numbers of the .kv file.
A value that goes on over several lines (an open bracket) is joined first.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

# `name:` or `on_press:` at the start of a line: the rest of the line is Python.
PROPERTY = re.compile(r"^\s*[A-Za-z_][\w.]*\s*:(.*)$")


def _expressions(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, Python source) of every rule value and directive in a kv file."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        match = PROPERTY.match(line)
        if stripped.startswith("#") or match is None:
            index += 1
            continue
        source, start = match.group(1), index
        # Join the lines of a value whose brackets are still open.
        while not _complete(source) and index + 1 < len(lines):
            index += 1
            source += "\n" + lines[index]
        yield start + 1, source.strip()
        index += 1


def _complete(source: str) -> bool:
    try:
        list(tokenize.generate_tokens(io.StringIO(source.strip() + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def extract_kv(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel's extraction-method interface: (line, function, message(s), comments)."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for first_line, source in _expressions(text):
        if not any(name in source for name in keywords):
            continue
        found = extract_python(io.BytesIO(source.encode()), keywords, comment_tags, {})
        for line, funcname, messages, comments in found:
            yield first_line + line - 1, funcname, messages, comments
