"""JSON Lines reading shared by the labels reader and the CLI's record stream."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator


def json_objects(lines: Iterable[str], source: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, object, None) per JSON object line, or (line number, None, "source:line: reason")."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"{source}:{number}: invalid JSON ({exc.msg})"
            continue
        if not isinstance(item, dict):
            yield number, None, f"{source}:{number}: expected a JSON object"
            continue
        yield number, item, None
