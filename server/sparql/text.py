"""Just enough lexing of SPARQL text to act on keywords without a full parser.

The endpoint needs two things the engine does not offer: refusing federated queries
(``SERVICE`` would make the server fetch arbitrary URLs) and applying the protocol's
``using-graph-uri`` / ``using-named-graph-uri`` to an update, which the protocol defines as
adding ``USING`` / ``USING NAMED`` clauses to each operation with a ``WHERE`` pattern. Both only
need the keywords outside strings, IRIs and comments, and the ``{}`` nesting depth.
Syntax errors are left to the engine, which reports them with line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
      (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n\r]*)
    | (?P<skip>[?$][\w\u00b7\u00c0-\uffff]+                  # variables
              |_:[\w.\-\u00b7\u00c0-\uffff]+                  # blank node labels
              |@[A-Za-z]+(?:-[A-Za-z0-9]+)*                  # language tags
              |(?:[A-Za-z][\w.\-\u00b7\u00c0-\uffff]*)?:[\w.:%\\\-\u00b7\u00c0-\uffff]*)  # prefixed names
    | (?P<word>[A-Za-z][A-Za-z0-9_]*)
    | (?P<open>\{)
    | (?P<close>\})
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Keyword:
    word: str  # upper case
    start: int
    end: int
    depth: int  # how many { } enclose it


@dataclass(frozen=True)
class Brace:
    char: str
    start: int
    depth: int  # depth outside this brace


def _scan(text: str) -> Iterator[Keyword | Brace]:
    depth = 0
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            position += 1
            continue
        kind = match.lastgroup
        if kind == "word":
            yield Keyword(match.group().upper(), match.start(), match.end(), depth)
        elif kind == "open":
            yield Brace("{", match.start(), depth)
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            yield Brace("}", match.start(), depth)
        position = match.end()


def keywords(text: str) -> list[Keyword]:
    return [token for token in _scan(text) if isinstance(token, Keyword)]


def may_contain(text: str, word: str) -> bool:
    """False when ``text`` certainly has no keyword ``word`` (upper case): keywords are ASCII
    letters, so one in any case shows in the lower-cased text. A cheap test before lexing."""
    return word.lower() in text.lower()


def has_keyword(text: str, word: str) -> bool:
    """Whether ``word`` (upper case) is a keyword of ``text``, outside strings, IRIs and comments."""
    return may_contain(text, word) and any(k.word == word for k in keywords(text))


def uses_service(text: str) -> bool:
    """Whether the query or update calls ``SERVICE`` (federated query)."""
    return has_keyword(text, "SERVICE")


def uses_load(text: str) -> bool:
    """Whether the update has a ``LOAD`` (which would fetch a URL)."""
    return has_keyword(text, "LOAD")


class DatasetConflict(ValueError):
    """The update names its own dataset (``USING``/``WITH``) and the protocol gave one too."""


def add_using_clauses(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with ``USING``/``USING NAMED`` for the given graph IRIs before each ``WHERE``.

    ``DELETE WHERE { P }`` admits no ``USING``; it is rewritten to its long form
    ``DELETE { P } USING … WHERE { P }``, which means the same. Raises
    :class:`DatasetConflict` when the update has ``USING`` or ``WITH`` of its own (the protocol
    forbids both at once).
    """
    if not using and not using_named:
        return update
    clauses = "".join(f"USING <{iri}> " for iri in using) + "".join(
        f"USING NAMED <{iri}> " for iri in using_named
    )
    tokens = list(_scan(update))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in text order
    for index, token in enumerate(tokens):
        if not isinstance(token, Keyword) or token.depth != 0:
            continue
        if token.word in ("USING", "WITH"):
            raise DatasetConflict(
                f"the update has its own {token.word} clause and the request gives "
                "using-graph-uri/using-named-graph-uri; use one or the other"
            )
        if token.word != "WHERE":
            continue
        previous = tokens[index - 1] if index else None
        if isinstance(previous, Keyword) and previous.word == "DELETE":
            pattern = _group_after(update, tokens, index)
            if pattern is None:
                continue  # malformed: the engine reports it
            edits.append((token.start, token.start, f"{pattern} {clauses}"))
        else:
            edits.append((token.start, token.start, clauses))
    for start, end, replacement in reversed(edits):
        update = update[:start] + replacement + update[end:]
    return update


def _group_after(text: str, tokens: list[Keyword | Brace], index: int) -> str | None:
    """The ``{ … }`` group that follows token ``index``, as text."""
    following = tokens[index + 1 :]
    if not following or not (isinstance(following[0], Brace) and following[0].char == "{"):
        return None
    opening = following[0]
    for token in following[1:]:
        if isinstance(token, Brace) and token.char == "}" and token.depth == opening.depth:
            return text[opening.start : token.start + 1]
    return None
