"""Shared content-file helpers: YAML with line numbers, Markdown front matter, hashing, errors.

Pure: no Flask, no database. Every error names the file, the key path and, where the YAML
parser knows it, the line.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.i18n import _l

KeyPath = tuple[str | int, ...]


class ContentError(Exception):
    """One problem in one content file."""

    def __init__(self, path: Path | str, message: str, key: KeyPath = (), line: int | None = None):
        self.path = str(path)
        self.message = message
        self.key = key
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        key = format_key(self.key)
        return f"{where}: {key + ': ' if key else ''}{self.message}"


class ContentErrors(Exception):
    """Several problems found while checking content; nothing was loaded."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def format_key(key: KeyPath) -> str:
    """Render a key path like ``modules[0].items[2].lesson``."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Document:
    """A parsed YAML document with the line of every key path."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    line_offset: int = 0

    def line(self, key: KeyPath) -> int | None:
        """The line of ``key`` or of its nearest known parent."""
        while True:
            if key in self.lines:
                return self.lines[key] + self.line_offset
            if not key:
                return None
            key = key[:-1]

    def error(self, key: KeyPath, message: str) -> ContentError:
        """A ContentError located at ``key`` in this document."""
        return ContentError(self.path, message, key, self.line(key))

    def unknown_keys(self, key: KeyPath, mapping, allowed) -> list[ContentError]:
        """Errors for keys of ``mapping`` outside ``allowed`` (a typo must not pass silently)."""
        if not isinstance(mapping, dict):
            return []
        return [
            self.error(
                (*key, name),
                _l("unknown key (allowed: %(allowed)s)", allowed=", ".join(sorted(allowed))),
            )
            for name in mapping
            if name not in allowed
        ]

    def choice_error(self, key: KeyPath, value, options) -> ContentError | None:
        """An error when ``value`` is not one of ``options``, else None."""
        if value in options:
            return None
        message = _l(
            "must be one of: %(options)s (got '%(value)s')", options=", ".join(options), value=value
        )
        return self.error(key, message)


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = key_node.value
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Document:
    """Parse YAML text safely, keeping line numbers; a repeated key is an error.

    :raises ContentError: on malformed YAML, with the parser's line.
    """
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character: reported with its line
        line = text[: exc.position].count("\n") + 1 + line_offset
        code = exc.character
        code = f"U+{code:04X}" if isinstance(code, int) else repr(code)
        problem = _l("character %(code)s is not allowed in YAML", code=code)
        raise ContentError(
            path, _l("malformed YAML: %(problem)s", problem=problem), (), line
        ) from exc
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise ContentError(
            path, _l("malformed YAML: %(problem)s", problem=str(exc.problem or exc)), (), line
        ) from exc
    except yaml.YAMLError as exc:
        raise ContentError(path, _l("malformed YAML: %(problem)s", problem=str(exc))) from exc
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Document(path=path, data=data, lines=lines, line_offset=line_offset)


def load_yaml(path: Path) -> Document:
    """Read and parse a YAML file.

    :raises ContentError: when the file is missing, unreadable or malformed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(path, _l("cannot read file: %(error)s", error=str(exc))) from exc
    return parse_yaml(text, path)


def load_mapping(path: Path) -> Document:
    """Read a YAML file whose top level must be a mapping of keys.

    :raises ContentErrors: when the file is unreadable, malformed or not a mapping.
    """
    try:
        doc = load_yaml(path)
    except ContentError as exc:
        raise ContentErrors([exc]) from exc
    if not isinstance(doc.data, dict):
        raise ContentErrors([doc.error((), _l("must be a mapping"))])
    return doc


def read_markdown(path: Path) -> tuple[Document, str]:
    """Read a Markdown file with YAML front matter between ``---`` lines.

    Returns the front matter (line numbers count from the top of the file) and the body.
    :raises ContentError: when the front matter is missing or malformed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(path, _l("cannot read file: %(error)s", error=str(exc))) from exc
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            path, _l("front matter missing: the file must start with a '---' line"), (), 1
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = parse_yaml("".join(lines[1:index]), path, line_offset=1)
            if not isinstance(front.data, dict):
                raise ContentError(path, _l("front matter must be a mapping of keys"), (), 2)
            return front, "".join(lines[index + 1 :]).strip("\n") + "\n"
    raise ContentError(path, _l("front matter is not closed by a '---' line"), (), 1)


def content_hash(value: Any) -> str:
    """SHA-256 of a JSON-able value, stable across key order."""
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
