"""Request validation driven by botocore's service model, with the messages AWS sends.

AWS checks every request against the service model before the operation runs and answers
`ValidationException` with `N validation error(s) detected: Value '<v>' at '<path>' failed to satisfy
constraint: Member must ...`, paths in lower camel case and list items as `<list>.<n>.member`.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.model import ListShape, Shape, StructureShape


def validation_errors(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Every constraint of `shape` (required, enum, range, length, pattern) that `value` breaks."""
    if isinstance(shape, StructureShape):
        return _structure_errors(shape, value, path)
    if isinstance(shape, ListShape):
        return _list_errors(shape, value, path)
    if shape.type_name == "string":
        return _string_errors(shape, value, path)
    if shape.type_name in ("integer", "long", "float", "double"):
        return _number_errors(shape, value, path)
    return []


def validation_message(errors: list[str]) -> str:
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors)


def _breach(shown: str, path: str, constraint: str) -> str:
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def _member_path(path: str, name: str) -> str:
    camel = name[:1].lower() + name[1:]
    return f"{path}.{camel}" if path else camel


def _structure_errors(shape: StructureShape, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    errors: list[str] = []
    for name, member in shape.members.items():
        member_path = _member_path(path, name)
        if value.get(name) is None:
            if name in shape.required_members:
                errors.append(_breach("null", member_path, "Member must not be null"))
            continue
        errors.extend(validation_errors(member, value[name], member_path))
    return errors


def _list_errors(shape: ListShape, value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        return []
    errors = _length_errors(shape, len(value), path, "[...]")
    for index, item in enumerate(value, start=1):
        errors.extend(validation_errors(shape.member, item, f"{path}.{index}.member"))
    return errors


def _string_errors(shape: Shape, value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return []
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        allowed = ", ".join(enum)
        return [_breach(f"'{value}'", path, f"Member must satisfy enum value set: [{allowed}]")]
    errors = _length_errors(shape, len(value), path, value)
    pattern = shape.metadata.get("pattern")
    if pattern and not _matches(pattern, value):
        constraint = f"Member must satisfy regular expression pattern: {pattern}"
        errors.append(_breach(f"'{value}'", path, constraint))
    return errors


def _number_errors(shape: Shape, value: Any, path: str) -> list[str]:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return []
    minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
    if minimum is not None and value < minimum:
        return [_breach(f"'{value}'", path, f"Member must have value greater than or equal to {minimum}")]
    if maximum is not None and value > maximum:
        return [_breach(f"'{value}'", path, f"Member must have value less than or equal to {maximum}")]
    return []


def _length_errors(shape: Shape, length: int, path: str, shown: str) -> list[str]:
    minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
    if minimum is not None and length < minimum:
        return [_breach(f"'{shown}'", path, f"Member must have length greater than or equal to {minimum}")]
    if maximum is not None and length > maximum:
        return [_breach(f"'{shown}'", path, f"Member must have length less than or equal to {maximum}")]
    return []


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value, flags=re.DOTALL) is not None
    except re.error:
        return True  # a Java-only construct Python cannot compile: do not refuse on it
