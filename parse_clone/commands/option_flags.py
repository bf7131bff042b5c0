"""The option flags of `parse-clone serve`: one per Parse Server option (options_table.py), Parse's names.

`--appId X`, `--liveQuery.classNames A,B` (a key of a group), booleans as bare flags (`--verbose`) or
with a value (`--verbose=false`, `--verbose false`). `--help` shows each option's meaning, default
and environment variable, in three groups: implemented, this server's own, accepted but not
implemented (a start-up warning names them when set).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import MISSING, fields
from typing import Any

from ..config import ServerConfig
from ..option_spec import EXTENSION, IMPLEMENTED, NOT_IMPLEMENTED, Option
from ..options_table import OPTIONS

_DEST = "option:"
_BOOLEAN_WORDS = {"true", "false", "1", "0", "yes", "no", "on", "off"}


def flag_options() -> list[Option]:
    """The options a flag can set (not the members of a list or a map)."""
    return [o for o in OPTIONS if o.addressable]


def _is_boolean(option: Option) -> bool:
    return option.type in ("boolean", "boolean|function")


def default_of(option: Option) -> Any:
    """The default used here: ServerConfig's for its fields, else Parse Server's."""
    for f in fields(ServerConfig):
        if f.name == option.name:
            if f.default is not MISSING:
                return f.default
            return f.default_factory() if f.default_factory is not MISSING else None  # type: ignore[misc]
    return option.default


def _help(option: Option) -> str:
    default = default_of(option)
    notes = [f"env {option.env}"] if option.env else []
    if default not in (None, "", {}, []):
        notes.append(f"default {json.dumps(default)}")
    return f"{option.help} ({'; '.join(notes)})".replace("%", "%%") if notes else option.help


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    """Every option as --name (dotted for a key of a group), grouped by its state here."""
    titles = {IMPLEMENTED: "Parse Server options",
              EXTENSION: "this server's own options",
              NOT_IMPLEMENTED: "Parse Server options not implemented here (accepted; a start-up warning "
                               "names each one set)"}
    groups = {state: parser.add_argument_group(title) for state, title in titles.items()}
    for option in flag_options():
        kwargs: dict[str, Any] = {"dest": _DEST + option.name, "default": None, "help": _help(option),
                                  "metavar": option.type.upper().replace("|", "_OR_")}
        if _is_boolean(option):
            kwargs.update(nargs="?", const="true", metavar="BOOL")
        groups[option.state].add_argument(f"--{option.name}", **kwargs)


def flag_values(args: argparse.Namespace) -> dict[str, Any]:
    """{option name: text} of the flags given."""
    return {key[len(_DEST):]: value for key, value in vars(args).items()
            if key.startswith(_DEST) and value is not None}


def bare_booleans(argv: list[str]) -> list[str]:
    """`--verbose config.json` -> `--verbose=true config.json`: a bare boolean flag never eats the next word."""
    booleans = {f"--{o.name}" for o in flag_options() if _is_boolean(o)}
    out: list[str] = []
    for i, arg in enumerate(argv):
        following = argv[i + 1] if i + 1 < len(argv) else None
        if arg in booleans and (following is None or following.lower() not in _BOOLEAN_WORDS):
            arg += "=true"
        out.append(arg)
    return out
