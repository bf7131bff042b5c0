"""The plan: what loading a schema file would change, computed from the schemas as /schemas shows them.

It follows Parse Server's defined schemas (src/SchemaMigrations/DefinedSchemas.js): new classes
are created; new fields added; a field whose `required`/`defaultValue` changed is updated; a
field whose type changed is dropped and added again only with `recreateModifiedFields` (its
data is lost), and refused otherwise; fields the file does not list are dropped only with
`deleteExtraFields`; indexes are made to match the file (Parse's own indexes excepted; with
`keepUnknownIndexes` those the file does not list are kept); the
CLP is the file's with `addField` closed to everyone, and classes the file does not list keep
their CLP with `addField` closed too. Classes are never dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..core.schema.clp import complete_clp, default_clp
from ..core.schema.defs import VOLATILE_CLASSES
from .document import PROTECTED_INDEXES, builtin_fields
from .model import ClassDef, FieldDef, LoadOptions, SchemaDocument

DELETE = {"__op": "Delete"}
# Classes a schema file never needs to list (Parse's own; strict mode does not report them).
SYSTEM_CLASSES = ("_User", "_Installation", "_Role", "_Session", "_Product", "_PushStatus", "_JobStatus",
                  "_JobSchedule", "_Audience", "_Idempotency", "_Hooks", "_GlobalConfig", "_GraphQLConfig")


@dataclass(frozen=True)
class Change:
    """One line of the plan: `action` is add, change or drop; `kind` class, field, index or clp."""

    action: str
    kind: str
    class_name: str
    name: str = ""
    detail: str = ""
    refused: str = ""  # non-empty: not applied, and why


@dataclass
class ClassPlan:
    """The /schemas calls one class needs: a create, or up to two updates (drops first, then adds)."""

    class_name: str
    create: bool = False
    add_fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # new, retyped, options changed
    drop_fields: list[str] = field(default_factory=list)
    add_indexes: dict[str, dict[str, Any]] = field(default_factory=dict)
    drop_indexes: list[str] = field(default_factory=list)
    clp: dict[str, Any] | None = None  # the CLP to set (None: unchanged)
    changes: list[Change] = field(default_factory=list)

    def drop_payload(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Fields and indexes to delete first (an update), or None."""
        if not self.drop_fields and not self.drop_indexes:
            return None
        return {n: dict(DELETE) for n in self.drop_fields}, {n: dict(DELETE) for n in self.drop_indexes}

    def has_additions(self) -> bool:
        """Does the class need the create / second update call?"""
        return self.create or bool(self.add_fields or self.add_indexes) or self.clp is not None


@dataclass
class Plan:
    """Everything a load would do, what it refuses, and what it leaves alone."""

    source: str
    classes: list[ClassPlan] = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)  # extra classes / fields left in place

    @property
    def changes(self) -> list[Change]:
        """Every change, refused ones included."""
        return [c for cp in self.classes for c in cp.changes]

    @property
    def refused(self) -> list[Change]:
        """Changes the options do not allow."""
        return [c for c in self.changes if c.refused]

    @property
    def is_empty(self) -> bool:
        """Nothing to apply (loading again is a no-op)."""
        return not any(c for c in self.changes if not c.refused)


def _is_builtin_index(class_name: str, name: str) -> bool:
    return name == "_id_" or name in PROTECTED_INDEXES.get(class_name, ())


def _strip_pointer_prefix(spec: dict[str, Any]) -> dict[str, Any]:
    return {(k[3:] if k.startswith("_p_") else k): v for k, v in spec.items()}


def target_clp(clp: dict[str, Any] | None) -> dict[str, Any]:
    """The CLP a defined class gets: the file's, with addField closed (Parse's handleCLP)."""
    return complete_clp({**(clp or {}), "addField": {}})


def describe_field(f: dict[str, Any]) -> str:
    """`Pointer<Job>, required, default "open"`."""
    text = f"{f['type']}<{f['targetClass']}>" if f.get("targetClass") else f["type"]
    if f.get("required"):
        text += ", required"
    if "defaultValue" in f:
        text += f", default {json.dumps(f['defaultValue'])}"
    return text


def _same_type(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("type") == b.get("type") and a.get("targetClass") == b.get("targetClass")


def _options(f: dict[str, Any]) -> tuple[bool, bool, Any]:
    return bool(f.get("required")), "defaultValue" in f, json.dumps(f.get("defaultValue"), sort_keys=True)


def make_plan(document: SchemaDocument, current: dict[str, dict[str, Any]], options: LoadOptions) -> Plan:
    """Compare the file with the current schemas (className -> GET /schemas form)."""
    plan = Plan(source=document.source)
    for cls in document.classes:
        existing = current.get(cls.class_name)
        plan.classes.append(_new_class(cls) if existing is None else _update_class(cls, existing, options, plan))
    defined = {c.class_name for c in document.classes}
    for name, schema in sorted(current.items()):
        if name in defined or name in VOLATILE_CLASSES or name.startswith("_Join:"):
            continue
        if name not in SYSTEM_CLASSES:
            plan.kept.append(Change("keep", "class", name, detail="not in the file"))
        now = complete_clp(schema.get("classLevelPermissions") or default_clp())
        if now.get("addField") != {}:
            cp = ClassPlan(class_name=name, clp={**now, "addField": {}})
            cp.changes.append(Change("change", "clp", name, "addField",
                                     f"{json.dumps(now.get('addField'))} -> {{}} (the file defines the fields)"))
            plan.classes.append(cp)
    plan.classes = [cp for cp in plan.classes if cp.changes]
    return plan


def _new_class(cls: ClassDef) -> ClassPlan:
    cp = ClassPlan(class_name=cls.class_name, create=True, clp=target_clp(cls.clp))
    cp.changes.append(Change("add", "class", cls.class_name,
                             detail=f"{len(cls.fields)} fields, {len(cls.indexes or {})} indexes"))
    for name, f in cls.fields.items():
        cp.add_fields[name] = f.to_parse()
        cp.changes.append(Change("add", "field", cls.class_name, name, describe_field(f.to_parse())))
    for name, spec in (cls.indexes or {}).items():
        cp.add_indexes[name] = spec
        cp.changes.append(Change("add", "index", cls.class_name, name, json.dumps(spec)))
    cp.changes.append(Change("add", "clp", cls.class_name, detail=_clp_text(cp.clp or {})))
    return cp


def _update_class(cls: ClassDef, existing: dict[str, Any], options: LoadOptions, plan: Plan) -> ClassPlan:
    cp = ClassPlan(class_name=cls.class_name)
    builtin = builtin_fields(cls.class_name)
    now_fields = {n: f for n, f in (existing.get("fields") or {}).items() if n not in builtin}
    for name, f in cls.fields.items():
        _plan_field(cp, name, f, now_fields.get(name), options)
    for name, f in now_fields.items():
        if name in cls.fields:
            continue
        if options.delete_extra_fields:
            cp.drop_fields.append(name)
            cp.changes.append(Change("drop", "field", cls.class_name, name,
                                     f"{describe_field(f)} (not in the file; its data is deleted)"))
        else:
            plan.kept.append(Change("keep", "field", cls.class_name, name, "not in the file"))
    _plan_indexes(cp, cls, existing, options.keep_unknown_indexes, plan)
    now_clp = complete_clp(existing.get("classLevelPermissions") or default_clp())
    want = target_clp(cls.clp)
    if now_clp != want:
        cp.clp = want
        for key in sorted(set(now_clp) | set(want)):
            if now_clp.get(key) != want.get(key):
                cp.changes.append(Change("change", "clp", cls.class_name, key,
                                         f"{json.dumps(now_clp.get(key))} -> {json.dumps(want.get(key))}"))
    return cp


def _plan_field(cp: ClassPlan, name: str, f: FieldDef, now: dict[str, Any] | None, options: LoadOptions) -> None:
    want = f.to_parse()
    if now is None:
        cp.add_fields[name] = want
        cp.changes.append(Change("add", "field", cp.class_name, name, describe_field(want)))
        return
    if not _same_type(now, want):
        detail = f"{describe_field(now)} -> {describe_field(want)} (drops the field's data)"
        if not options.recreate_modified_fields:
            cp.changes.append(Change("change", "field", cp.class_name, name, detail,
                                     refused="a type change drops the field's data; allow it with "
                                             "--allow-type-change (recreateModifiedFields)"))
            return
        cp.drop_fields.append(name)
        cp.add_fields[name] = want
        cp.changes.append(Change("change", "field", cp.class_name, name, detail))
        return
    if _options(now) != _options(want):
        cp.add_fields[name] = want
        cp.changes.append(Change("change", "field", cp.class_name, name,
                                 f"{describe_field(now)} -> {describe_field(want)}"))


def _plan_indexes(cp: ClassPlan, cls: ClassDef, existing: dict[str, Any], keep_unknown: bool, plan: Plan) -> None:
    now = {n: _strip_pointer_prefix(s) for n, s in (existing.get("indexes") or {}).items()
           if not _is_builtin_index(cls.class_name, n)}
    want = {n: _strip_pointer_prefix(s) for n, s in (cls.indexes or {}).items()}
    for name, spec in want.items():
        if name not in now:
            cp.add_indexes[name] = spec
            cp.changes.append(Change("add", "index", cls.class_name, name, json.dumps(spec)))
        elif now[name] != spec:
            cp.drop_indexes.append(name)
            cp.add_indexes[name] = spec
            cp.changes.append(Change("change", "index", cls.class_name, name,
                                     f"{json.dumps(now[name])} -> {json.dumps(spec)}"))
    for name, spec in now.items():
        if name in want:
            continue
        if keep_unknown:
            plan.kept.append(Change("keep", "index", cls.class_name, name, f"{json.dumps(spec)} (not in the file)"))
        else:
            cp.drop_indexes.append(name)
            cp.changes.append(Change("drop", "index", cls.class_name, name, f"{json.dumps(spec)} (not in the file)"))


def _clp_text(clp: dict[str, Any]) -> str:
    parts = []
    for op in ("find", "count", "get", "create", "update", "delete", "addField"):
        who = clp.get(op) or {}
        parts.append(f"{op}: {', '.join(sorted(who)) or 'master key only'}")
    return "; ".join(parts)


_SIGNS = {"add": "+", "change": "~", "drop": "-", "keep": "="}


def format_plan(plan: Plan) -> str:
    """The plan as text, one line per change, grouped by class."""
    lines = [f"Plan for {plan.source}:"]
    if not plan.changes:
        lines.append("  nothing to change: the database already matches the file")
    for cp in plan.classes:
        head = next((c for c in cp.changes if c.kind == "class"), None)
        lines.append(f"  {'+ class' if head else '~ class'} {cp.class_name}" + (f" ({head.detail})" if head else ""))
        for c in cp.changes:
            if c.kind == "class":
                continue
            label = {"field": "field", "index": "index", "clp": "CLP"}[c.kind]
            text = f"    {'!' if c.refused else _SIGNS[c.action]} {label}" + (f" {c.name}" if c.name else "")
            text += f": {c.detail}" if c.detail else ""
            if c.refused:
                text += f"  REFUSED: {c.refused}"
            lines.append(text)
    for k in plan.kept:
        lines.append(f"  = {k.kind} {k.class_name}{'.' + k.name if k.name else ''} kept ({k.detail})")
    applied = [c for c in plan.changes if not c.refused]
    lines.append(f"{len(applied)} change(s) to apply, {len(plan.refused)} refused.")
    return "\n".join(lines)
