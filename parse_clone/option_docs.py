"""docs/configuration.md, written from options_table.py (scripts/gen_option_table.py writes both)."""

from __future__ import annotations

import json

from .options_table import OPTIONS

_STATE = {"implemented": "implemented", "not implemented": "warned (not implemented)", "extension": "this server only"}


def configuration_markdown() -> str:
    """Every option: flag, env variable, type, Parse Server's default, state here, help."""
    lines = ["# Configuration", "",
             "Generated from `parse_clone/options_table.py` by `scripts/gen_option_table.py`; do not edit.", "",
             "The options are Parse Server's (src/Options/Definitions.js): the same flags (`--appId`), the same",
             "environment variables and the same JSON config file (`.venv/bin/parse-clone serve config.json`, options at the top",
             "level or `{\"apps\": [{...}]}` with one app). Precedence: flags, then environment, then the config",
             "file, then the defaults. A key of a group has its own variable and flag",
             "(`PARSE_SERVER_ACCOUNT_LOCKOUT_DURATION`, `--accountLockout.duration`). An option marked *warned*",
             "is accepted and named in a start-up warning; an unknown option or a malformed value stops the start.",
             "Earlier names of this server (`PARSE_SERVER_APP_ID`, `PARSE_SERVER_PORT`, ...) still work, with a",
             "deprecation warning naming the new variable.", "",
             "| option | environment variable | type | Parse Server default | state here | meaning |",
             "| --- | --- | --- | --- | --- | --- |"]
    for o in OPTIONS:
        default = "" if o.default is None else f"`{json.dumps(o.default)}`"
        env = f"`{o.env}`" if o.env else ""
        lines.append(f"| `{o.name}` | {env} | {o.type.replace('|', ' or ')} | {default.replace('|', '&#124;')} | "
                     f"{_STATE[o.state]} | {o.help.replace('|', '&#124;')} |")
    return "\n".join(lines) + "\n"
