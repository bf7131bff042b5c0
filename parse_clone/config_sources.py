"""Reading the configuration as Parse Server's CLI does (src/cli/utils/commander.js).

Sources, strongest first: flags, environment variables, the JSON config file, defaults; a source
sets an option only where no stronger one did. A nested option (`accountLockout.duration`, env
PARSE_SERVER_ACCOUNT_LOCKOUT_DURATION, flag --accountLockout.duration) sets one key of its group
with the precedence of its source, on top of the group as the weaker sources gave it.

Stops the start (ConfigError): an unknown option in the file or the flags, a malformed value, a
file that is not JSON, an `apps` list of more than one app. Warns: a Parse Server option this
server does not implement, a deprecated environment variable of earlier versions, an unknown
PARSE_SERVER_* variable.
"""

from __future__ import annotations

import copy
import difflib
import json
import logging
import os
from dataclasses import fields
from typing import Any, TypeVar

from .option_spec import NOT_IMPLEMENTED, ConfigError, Option, describe, read_value
from .options_table import OPTIONS

log = logging.getLogger("parse_clone.config")
T = TypeVar("T")

BY_NAME: dict[str, Option] = {o.name: o for o in OPTIONS}
BY_ENV: dict[str, Option] = {o.env: o for o in OPTIONS if o.env}
GROUPS: set[str] = {o.name.rsplit(".", 1)[0] for o in OPTIONS if o.nested}  # names whose keys are options

# Environment variables of earlier versions of this server -> the option they set (still read, with a warning).
DEPRECATED_ENV: dict[str, str] = {
    "PARSE_SERVER_APP_ID": "appId",
    "PARSE_SERVER_PORT": "port",
    "PARSE_SERVER_PUBLIC_SERVER_URL": "publicServerURL",
    "PARSE_SERVER_FILE_UPLOAD": "fileUpload",
    "PARSE_SERVER_AUTH": "auth",
    "PARSE_SERVER_ENABLE_ANONYMOUS_USERS": "enableAnonymousUsers",
    "PARSE_SERVER_CACHE_T_T_L": "cacheTTL",
    "PARSE_SERVER_VERBOSE": "verbose",
}
# Where this server accepts more than Parse Server's type (a read_value kind; "any": unchecked).
ACCEPTS: dict[str, str] = {"schema": "string|object", "schema.definitions": "any", "auth.*.enabled": "boolean",
                           "trustProxy": "json"}


def kind_of(option: Option) -> str:
    return ACCEPTS.get(option.name, option.type)


def _read(option: Option, value: Any) -> Any:
    """The value as the option's type, its nested keys checked (unknown ones refused)."""
    kind = kind_of(option)
    if kind == "any":
        return value
    value = read_value(option, value, kind)
    if isinstance(value, dict) and option.name in GROUPS:
        return {key: _read(_member(option.name, key), v) for key, v in value.items()}
    if isinstance(value, dict) and option.name + ".*" in GROUPS:  # a map: each entry's known keys checked
        return {key: _read_entry(option.name + ".*", v) for key, v in value.items()}
    if isinstance(value, list) and option.name + "[]" in GROUPS:
        return [_read_entry(option.name + "[]", item) for item in value]
    return value


def _read_entry(group: str, entry: Any) -> Any:
    """One entry of a map (`auth.*`: only its known keys checked) or of a list of groups (`rateLimit[]`)."""
    if not isinstance(entry, dict):
        return entry
    if group.endswith(".*"):
        return {key: _read(BY_NAME[f"{group}.{key}"], v) if f"{group}.{key}" in BY_NAME else v
                for key, v in entry.items()}
    return {key: _read(_member(group, key), v) for key, v in entry.items()}


def _member(group: str, key: str) -> Option:
    name = f"{group}.{key}"
    if name not in BY_NAME:
        raise unknown_option(name, f"a key of {group.removesuffix('[]')}")
    return BY_NAME[name]


def unknown_option(name: str, where: str, prefix: str = "") -> ConfigError:
    """`prefix` "--" names a flag."""
    close = difflib.get_close_matches(name, list(BY_NAME), n=1)
    hint = f"; did you mean {prefix}{close[0]}?" if close else ""
    return ConfigError(f"unknown option {prefix}{name} ({where}) is not a Parse Server option{hint} "
                       "(parse-clone serve --help lists every option)")


class _Values:
    """The options set so far, strongest source first: a later (weaker) source fills only gaps."""

    def __init__(self) -> None:
        self.top: dict[str, tuple[Any, str]] = {}  # option -> (value, source)
        self.nested: dict[str, tuple[Any, str]] = {}  # dotted option -> (value, source)

    def offer(self, option: Option, value: Any, source: str) -> None:
        target = self.nested if option.nested else self.top
        if option.name not in target:
            target[option.name] = (_read(option, value), source)

    def merged(self) -> dict[str, Any]:
        """Top-level values, each nested value set into its group unless a stronger source set the group."""
        out = {name: value for name, (value, _) in self.top.items()}
        order = {"flag": 0, "env": 1, "file": 2}
        for name, (value, source) in self.nested.items():
            top, path = name.split(".", 1)
            group_source = self.top.get(top, (None, "default"))[1]
            if order.get(group_source, 3) < order[source]:
                continue  # e.g. --accountLockout '{...}' beats PARSE_SERVER_ACCOUNT_LOCKOUT_DURATION
            group = out.get(top)
            group = copy.deepcopy(group) if isinstance(group, dict) else {}
            node = group
            *parents, leaf = path.split(".")
            for parent in parents:
                child = node.get(parent)
                if not isinstance(child, dict):
                    child = node[parent] = {}
                node = child
            node[leaf] = value
            out[top] = group
        return out


def read_config_file(path: str) -> dict[str, Any]:
    """The options of a Parse Server JSON config file: top level, or the one app of `{"apps": [...]}`."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise ConfigError(f"config file {path}: cannot be read ({e.strerror})") from None
    except ValueError as e:
        raise ConfigError(f"config file {path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: expected a JSON object of options")
    if "apps" in data:
        apps = data["apps"]
        if not isinstance(apps, list) or not apps or not all(isinstance(a, dict) for a in apps):
            raise ConfigError(f"config file {path}: `apps` must be a list of one object of options")
        if len(apps) > 1:
            raise ConfigError(f"config file {path}: `apps` lists {len(apps)} apps; like Parse Server, "
                              "this server runs one app per process (start one server per app)")
        data = apps[0]
    return data


def _offer_all(values: _Values, items: dict[str, Any], source: str, where: str) -> None:
    for name, value in items.items():
        option = BY_NAME.get(name)
        if option is None or not option.addressable:
            raise unknown_option(name, where)
        values.offer(option, value, source)


def _offer_env(values: _Values, env: dict[str, str], warnings: list[str]) -> None:
    for key in sorted(env):
        option = BY_ENV.get(key)
        if option is not None and env[key] != "":  # Parse Server ignores an empty variable too
            if option.addressable:
                values.offer(option, env[key], "env")
            elif option.state != NOT_IMPLEMENTED:
                warnings.append(f"environment variable {key} is ignored: {option.name} sits in a list; "
                                f"set {BY_NAME[option.top].env} as JSON instead")
            else:
                warnings.append(_not_implemented(option))
        elif key in DEPRECATED_ENV:
            option = BY_NAME[DEPRECATED_ENV[key]]
            if option.env in env:
                warnings.append(f"environment variable {key} is deprecated and ignored: {option.env} is set")
            else:
                warnings.append(f"environment variable {key} is deprecated: use {option.env} ({option.name})")
                values.offer(option, env[key], "env")
        elif key.startswith("PARSE_SERVER_") and key not in _OTHER_ENV:
            close = difflib.get_close_matches(key, list(BY_ENV), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(f"environment variable {key} is not a Parse Server option and is ignored{hint}")


_OTHER_ENV = {"PARSE_SERVER_GIT"}  # read by scripts/, not options


def _not_implemented(option: Option) -> str:
    # the help of an unimplemented option says what it does in Parse Server and, where it cannot apply
    # here (a JavaScript module, a function), why
    return (f"option {describe(option)} is a Parse Server option this server does not implement; "
            f"it has no effect ({option.help.rstrip('.')})")


def _warn_unimplemented(values: dict[str, Any], warnings: list[str]) -> None:
    def walk(prefix: str, value: Any) -> None:
        option = BY_NAME.get(prefix)
        if option is not None and option.state == NOT_IMPLEMENTED:
            warnings.append(_not_implemented(option))
            return
        if isinstance(value, dict) and prefix in GROUPS:
            for key, v in value.items():
                walk(f"{prefix}.{key}", v)
        elif isinstance(value, list) and prefix + "[]" in GROUPS:
            for key in sorted({k for item in value if isinstance(item, dict) for k in item}):
                walk(f"{prefix}[].{key}", None)

    for name, value in values.items():
        walk(name, value)


def resolve_config(cls: type[T], file_path: str | None = None, overrides: dict[str, Any] | None = None,
                   environ: dict[str, str] | None = None, warnings: list[str] | None = None) -> T:
    """A `cls` (ServerConfig) from the flags (`overrides`), the environment and the config file."""
    found: list[str] = []
    values = _Values()
    _offer_all(values, {k: v for k, v in (overrides or {}).items() if v is not None}, "flag", "a flag")
    _offer_env(values, dict(os.environ if environ is None else environ), found)
    if file_path:
        _offer_all(values, read_config_file(file_path), "file", f"config file {file_path}")
    merged = values.merged()
    _warn_unimplemented(merged, found)
    config = cls()
    implemented = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    for name, value in merged.items():
        if name in implemented:
            setattr(config, name, value)
    found = list(dict.fromkeys(found))
    if warnings is not None:
        warnings.extend(found)
    else:
        for message in found:
            log.warning(message)
    return config
