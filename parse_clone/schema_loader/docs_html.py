"""The /docs page: the data dictionary and ER diagram of the live schema, the cloud code's rules."""

from __future__ import annotations

import ast
import json
import re
from html import escape
from pathlib import Path

from .docs import _permissions
from .document import export_class_name
from .er_svg import er_svg
from .model import ClassDef, FieldDef, SchemaDocument

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f3f5f8}
header{background:#1f3a5f;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center}
header a{color:#cfe0ff} main{max-width:1100px;margin:0 auto;padding:16px 24px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
td,th{border:1px solid #d5dce5;padding:6px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#e9eef5} code{background:#eef2f7;padding:1px 4px;border-radius:3px}
.er{background:#fff;border:1px solid #d5dce5;overflow:auto;padding:8px} pre{white-space:pre-wrap}
section{margin-bottom:28px} .perm{color:#4a5a6d;font-size:13px}
"""


def _inline(text: str) -> str:
    """Escaped text with `code` spans rendered."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _field_row(name: str, f: FieldDef, builtin: bool) -> str:
    kind = f.type + (f"&lt;{escape(export_class_name(f.target_class))}&gt;" if f.target_class else "")
    required = "yes" if f.required else "no"
    if f.has_default:
        required += f" (default <code>{escape(json.dumps(f.default_value))}</code>)"
    text = _inline(f.description)
    if f.enum:
        text += " One of " + ", ".join(f"<code>{escape(str(v))}</code>" for v in f.enum) + "."
    if builtin:
        text += " (Built into Parse.)"
    return f"<tr><td><code>{escape(name)}</code></td><td>{kind}</td><td>{required}</td><td>{text.strip()}</td></tr>"


def _class_html(cls: ClassDef) -> str:
    title = export_class_name(cls.class_name)
    rows = [_field_row(n, f, True) for n, f in cls.builtin_fields.items()]
    rows += [_field_row(n, f, False) for n, f in cls.fields.items()]
    parts = [f'<section id="class-{escape(cls.class_name)}"><h3>{escape(title)}'
             + (f" (<code>{escape(cls.class_name)}</code>)" if title != cls.class_name else "") + "</h3>"]
    if cls.description:
        parts.append(f"<p>{_inline(cls.description)}</p>")
    parts.append("<table><thead><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr></thead>"
                 "<tbody>" + "".join(rows) + "</tbody></table>")
    parts.append(f'<p class="perm">{escape(_permissions(cls.clp))}</p>')
    if cls.indexes:
        parts.append('<p class="perm">Indexes: ' + ", ".join(
            f"<code>{escape(n)}</code> {escape(json.dumps(s))}" for n, s in cls.indexes.items()) + "</p>")
    return "".join(parts) + "</section>"


def cloud_rules(folder: str | None) -> list[tuple[str, str]]:
    """(file name, module docstring) of each cloud code file, read without running it."""
    if not folder:
        return []
    path = Path(folder)
    files = sorted(path.glob("*.py")) if path.is_dir() else [path] if path.is_file() else []
    out = []
    for file in files:
        try:
            doc = ast.get_docstring(ast.parse(file.read_text(encoding="utf-8")))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        if doc and file.name != "__init__.py":
            out.append((file.name, doc))
    return out


def docs_page(document: SchemaDocument, rules: list[tuple[str, str]], functions: list[str], mount: str,
              playground: str = "/playground") -> str:
    """The whole /docs page as HTML (the ER diagram inline, no external resources)."""
    toc = " · ".join(f'<a href="#class-{escape(c.class_name)}">{escape(export_class_name(c.class_name))}</a>'
                     for c in document.classes)
    rule_html = "".join(f"<h3><code>cloud/{escape(name)}</code></h3><pre>{escape(doc)}</pre>" for name, doc in rules)
    fn_html = ", ".join(f"<code>{escape(f)}</code>" for f in functions) or "none"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Docs · parse_clone</title>
<style>{STYLE}</style></head><body>
<header><strong>parse_clone docs</strong><a href="/">App</a><a href="{escape(playground)}">API playground</a>
<a href="/openapi.json">OpenAPI 3.1</a><a href="/docs/er.svg">ER diagram (SVG)</a></header><main>
<p>{_inline(document.description) if document.description else ""} Generated from the live schema of this server
(REST API at <code>{escape(mount or "/")}</code>). Classes: {toc}.</p>
<section id="er"><h2>ER diagram</h2><div class="er">{er_svg(document)}</div>
<p class="perm">Solid line: required pointer; dashed: optional pointer or relation.</p></section>
<section id="dictionary"><h2>Data dictionary</h2>
<p>Every class also has <code>objectId</code>, <code>createdAt</code>, <code>updatedAt</code> and
<code>ACL</code>.</p>{"".join(_class_html(c) for c in document.classes)}</section>
<section id="rules"><h2>Rules of the cloud code</h2>
<p>Error codes follow Parse Server: a cloud function's validator (login required, required roles, required
fields) answers 142 <code>Validation failed. …</code>; a rule in a hook about who may do something answers 119;
a rule about the data 142; "No technician is available" 101.</p>
<p>Cloud functions: {fn_html}. Try them in the <a href="{escape(playground)}">playground</a>.</p>{rule_html}</section>
</main></body></html>
"""
