"""Stream names, channel group names, and the wire shape of an event (schema version 1).

An event on the wire:
    {"v": 1, "stream": "unit.12", "seq": 41, "type": "assignment.created",
     "at": "2026-11-23T10:00:00.123456+00:00", "data": {...}}
"""

import re

SCHEMA_VERSION = 1
STREAM_NAME = re.compile(r"^[a-z][a-z0-9-]*(\.[A-Za-z0-9-]+){0,3}$")
MAX_STREAM_LENGTH = 90


class InvalidStreamName(ValueError):
    pass


def stream_name(kind: str, *parts: object) -> str:
    name = ".".join([kind, *(str(p) for p in parts)])
    validate_stream_name(name)
    return name


def validate_stream_name(name: str) -> str:
    if not isinstance(name, str) or len(name) > MAX_STREAM_LENGTH or not STREAM_NAME.match(name):
        raise InvalidStreamName(f"Not a stream name: {name!r}")
    return name


def stream_kind(name: str) -> str:
    return name.split(".", 1)[0]


def group_name(stream: str) -> str:
    """Channel group for a stream: ASCII letters, digits, hyphens and periods, < 100 chars."""
    return "rt." + validate_stream_name(stream)


def user_group_name(user_id: int) -> str:
    """Control group of one user's sockets (revalidation, sign-out)."""
    return f"rt-user.{int(user_id)}"


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not
    count): json.loads recurses once per level and a RecursionError would end the socket."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def wire(*, stream: str, seq: int, type: str, at: str, data: dict, version: int) -> dict:
    return {"v": version, "stream": stream, "seq": seq, "type": type, "at": at, "data": data}
