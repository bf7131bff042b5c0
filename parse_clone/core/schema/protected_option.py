"""The server-wide protectedFields option, merged into every class's CLP by the SchemaController."""

from __future__ import annotations

from typing import Any

from ...option_spec import ConfigError

DEFAULT_PROTECTED_FIELDS: dict[str, dict[str, list[str]]] = {"_User": {"*": ["email"]}}


def server_protected_fields(option: Any, user_sensitive_fields: Any = None,
                            owner_exempt: bool = True) -> dict[str, dict[str, list[str]]]:
    """The protectedFields option as Parse Server applies it: the given classes and entities, the
    deprecated userSensitiveFields added to _User's "*", and the default (_User's email for "*")
    always merged in. ConfigError names the option when its shape is wrong."""
    protected = {} if option is None else option
    if not isinstance(protected, dict) or not all(
            isinstance(per_class, dict) and all(isinstance(names, list) and all(isinstance(n, str) for n in names)
                                                for names in per_class.values())
            for per_class in protected.values()):
        raise ConfigError("option protectedFields (PARSE_SERVER_PROTECTED_FIELDS): expected an object of "
                          'classes, each an object of entities ("*", "authenticated", "role:<name>", a user id, '
                          '"userField:<field>") to arrays of field names, like {"_User": {"*": ["email"]}}')
    if user_sensitive_fields is not None and (not isinstance(user_sensitive_fields, list) or not all(
            isinstance(n, str) for n in user_sensitive_fields)):
        raise ConfigError("option userSensitiveFields (PARSE_SERVER_USER_SENSITIVE_FIELDS): expected an array "
                          "of field names")
    merged = {c: {e: list(dict.fromkeys(names)) for e, names in per_class.items()} for c, per_class in protected.items()}
    if user_sensitive_fields:
        star = merged.setdefault("_User", {}).setdefault("*", [])
        star.extend(n for n in user_sensitive_fields if n not in star)
    for class_name, defaults in DEFAULT_PROTECTED_FIELDS.items():
        per_class = merged.setdefault(class_name, {})
        for entity, names in defaults.items():
            if not owner_exempt and entity in per_class:
                continue  # protectedFieldsOwnerExempt false: a configured entry is taken as it is
            current = per_class.setdefault(entity, [])
            current.extend(n for n in names if n not in current)
    return merged
