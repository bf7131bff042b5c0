#!/usr/bin/env python3
"""Regenerate parse_clone/options_table.py from Parse Server's src/Options/Definitions.js.

    scripts/gen_option_table.py [path/to/Definitions.js]

A path may also be the compiled lib/Options/Definitions.js of an installed parse-server (npm), which
is how the table follows the release Parse Server users run (shared/peer/parse-server.sh installs 9.10).
Without a path: the installed release if present (~/.cache/parse-peer, PARSE_PEER_CACHE), else the
parse-server snapshot (git -C $PARSE_SERVER_GIT show
HEAD:src/Options/Definitions.js; default /work/.mirror/parse-community+parse-server/repo).

What comes from Definitions.js (overwritten on every run): each option's dotted name, env variable,
value type (from its parser) and Parse Server's default. What is ours (kept from the current table
by name): the state (implemented / not implemented) and the one-line help. A new Parse option
arrives as "not implemented" with a help derived from its name; entries of state "extension"
(this server's own options) are kept as they are. The file is only read, never run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "parse_clone" / "options_table.py"
SNAPSHOT = os.environ.get("PARSE_SERVER_GIT", "/work/.mirror/parse-community+parse-server/repo")

# parsers.<name> -> the value type this table records
PARSER_TYPES = {"booleanParser": "boolean", "numberParser": "number", "arrayParser": "array",
                "objectParser": "object", "moduleOrObjectParser": "module|object",
                "numberOrBooleanParser": "number|boolean", "numberOrBoolParser": "number|boolean",
                "booleanOrFunctionParser": "boolean|function", "numberOrStringParser": "number|string"}
# Options with no parser whose value is not a plain string (their Flow types in src/Options/index.js).
UNPARSED_TYPES = {"auth": "object", "verifyUserEmails": "boolean|function",
                  "sendUserEmailVerification": "boolean|function", "middleware": "string|function",
                  "serverCloseComplete": "function", "schema.beforeMigration": "function",
                  "schema.afterMigration": "function", "passwordPolicy.validatorCallback": "function",
                  "pages.customRoutes[].handler": "function"}
# Groups that Definitions.js does not link by `type:` from a parent option.
UNLINKED_GROUPS = {"ParseServerOptions": "", "AuthAdapter": "auth.*"}
# Groups that only document the values another option takes (LogLevel: the level names of logLevels.*).
VALUE_GROUPS = {"LogLevel"}


# The release users run: shared/peer/parse-server.sh installs parse-server 9.10 here.
RELEASE = Path(os.environ.get("PARSE_PEER_CACHE", Path.home() / ".cache" / "parse-peer")) / \
    "node_modules" / "parse-server" / "lib" / "Options" / "Definitions.js"


def read_definitions(path: str | None) -> str:
    """Definitions.js from `path`, else the installed release, else the source snapshot."""
    if path or RELEASE.exists():
        return Path(path or RELEASE).read_text(encoding="utf-8")
    return subprocess.run(["git", "-C", SNAPSHOT, "show", "HEAD:src/Options/Definitions.js"],
                          check=True, capture_output=True, text=True).stdout


def js_literal(text: str) -> object:
    """A JS object/array/scalar literal as Python (Definitions.js defaults are plain data)."""
    text = text.strip()
    text = re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: json.dumps(m.group(1)), text)  # 'x' -> "x"
    text = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', text)  # key: -> "key":
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # trailing commas
    return json.loads(text)


def parse_groups(source: str) -> dict[str, dict[str, dict]]:
    """{group: {option: {env, type, default, ref}}} from Definitions.js's module.exports blocks."""
    groups: dict[str, dict[str, dict]] = {}
    for block in re.finditer(r"^module\.exports\.(\w+) = \{\n(.*?)^\};", source, re.S | re.M):
        options: dict[str, dict] = {}
        for opt in re.finditer(r"^  (\w+): \{\n(.*?)^  \},?$", block.group(2), re.S | re.M):
            body = opt.group(2)
            env = re.search(r"^    env: '([^']*)'", body, re.M)
            parser = re.search(r"^    action: parsers\.(\w+)", body, re.M)
            ref = re.search(r"^    type: '([^']*)'", body, re.M)
            default = re.search(r"^    default: (.*?),?\n(?=    \w+:|\s*\Z)", body, re.S | re.M)
            options[opt.group(1)] = {
                "env": env.group(1) if env else None,
                "type": PARSER_TYPES[parser.group(1)] if parser else "string",
                "default": js_literal(default.group(1)) if default else None,
                "ref": ref.group(1) if ref else None,
            }
        groups[block.group(1)] = options
    return groups


def flatten(groups: dict[str, dict[str, dict]]) -> list[dict]:
    """Every option with its dotted name: top level, then each nested group under its parent."""
    pending = [("ParseServerOptions", "")]
    seen: set[str] = set()
    rows: list[dict] = []
    while pending:
        group, prefix = pending.pop(0)
        seen.add(group)
        for name, spec in groups[group].items():
            dotted = prefix + name
            rows.append({"name": dotted, **spec})
            if spec["ref"]:  # a nested group; an array of groups gets "[]" in its members' names
                child = spec["ref"].removesuffix("[]")
                pending.append((child, dotted + ("[]." if spec["ref"].endswith("[]") else ".")))
    for group, prefix in UNLINKED_GROUPS.items():
        if group not in seen and group in groups:
            seen.add(group)
            rows.extend({"name": f"{prefix}.{n}", **s} for n, s in groups[group].items())
    missing = set(groups) - seen - VALUE_GROUPS
    if missing:
        sys.exit(f"gen_option_table: groups not reachable from ParseServerOptions: {sorted(missing)}; "
                 "add them to UNLINKED_GROUPS")
    for row in rows:
        row["type"] = UNPARSED_TYPES.get(row["name"], row["type"])
    return rows


def mechanical_help(name: str) -> str:
    """'accountLockout.unlockOnPasswordReset' -> 'accountLockout: unlock on password reset.'"""
    parent, _, leaf = name.rpartition(".")
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", leaf).lower()
    return f"{parent.replace('[]', '').replace('.*', '')}: {words}." if parent else f"{words}."


def current_table() -> dict[str, object]:
    """The entries of the current table by name (state and help are kept)."""
    if not TABLE.exists():
        return {}
    sys.path.insert(0, str(ROOT))
    from parse_clone import options_table  # noqa: PLC0415 - the file this script rewrites

    return {o.name: o for o in options_table.OPTIONS}


def render(rows: list[dict], old: dict[str, object]) -> str:
    lines = [
        '"""Every Parse Server option (src/Options/Definitions.js), with its state in this server.',
        "",
        "GENERATED by scripts/gen_option_table.py: name, env, type and default come from Parse Server",
        "and are rewritten on every run; state and help are ours and kept by name (edit them here).",
        "Entries of state EXTENSION are this server's own options (kept as they are).",
        '"""',
        "",
        "from .option_spec import EXTENSION, IMPLEMENTED, NOT_IMPLEMENTED, Option",
        "",
        "OPTIONS: tuple[Option, ...] = (",
    ]
    consts = {"implemented": "IMPLEMENTED", "not implemented": "NOT_IMPLEMENTED", "extension": "EXTENSION"}
    names = {r["name"] for r in rows}
    for row in rows:
        prev = old.get(row["name"])
        state = consts[prev.state] if prev else "NOT_IMPLEMENTED"
        help_text = prev.help if prev else mechanical_help(row["name"])
        lines.append(f"    Option({row['name']!r}, {row['env']!r}, {row['type']!r}, {row['default']!r}, "
                     f"{state}, {help_text!r}),")
    for name, prev in old.items():
        if prev.state == "extension" and name not in names:
            lines.append(f"    Option({name!r}, {prev.env!r}, {prev.type!r}, {prev.default!r}, EXTENSION, "
                         f"{prev.help!r}),")
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    rows = flatten(parse_groups(read_definitions(argv[0] if argv else None)))
    TABLE.write_text(render(rows, current_table()), encoding="utf-8")
    print(f"{TABLE.relative_to(ROOT)}: {len(rows)} Parse Server options")
    import importlib  # noqa: PLC0415 - the table just written

    from parse_clone import option_docs, options_table  # noqa: PLC0415

    importlib.reload(options_table)
    importlib.reload(option_docs)
    (ROOT / "docs" / "configuration.md").write_text(option_docs.configuration_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
