"""The one error type a source raises when a response is not what its parser expects."""

from __future__ import annotations

import json
from typing import Any


class SourceParseError(ValueError):
    """A landed file (or a live response) that cannot be read. Names the source, the file and why."""

    def __init__(self, source: str, location: str, reason: str):
        self.source = source
        self.location = location
        self.reason = reason
        super().__init__(f"{source}: cannot parse {location}: {reason}")


def load_json(data: bytes, source: str, location: str) -> Any:
    """Decode UTF-8 JSON, turning every decoding problem into a SourceParseError."""
    if not data.strip():
        raise SourceParseError(source, location, "empty file")
    try:
        text = data.decode("utf-8-sig")  # a UTF-8 byte-order mark is harmless: read past it
    except UnicodeDecodeError as exc:
        raise SourceParseError(source, location, f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        head = text.lstrip()[:1]
        hint = " (looks like HTML, e.g. an error page)" if head == "<" else ""
        raise SourceParseError(source, location, f"not valid JSON{hint}: {exc.msg} at line {exc.lineno}") from exc


def require_type(value: Any, expected: type, source: str, location: str, what: str) -> Any:
    if not isinstance(value, expected):
        raise SourceParseError(
            source, location, f"{what} should be a {expected.__name__}, got {type(value).__name__}"
        )
    return value
