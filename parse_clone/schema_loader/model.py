"""Value types of the schema loader: a schema file's classes, the load options, and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldDef:
    """One field of a schema file, in Parse's terms (`targetClass` already mapped, User -> _User)."""

    type: str
    target_class: str | None = None
    required: bool = False
    default_value: Any = None
    has_default: bool = False
    description: str = ""
    enum: tuple[Any, ...] = ()

    def to_parse(self) -> dict[str, Any]:
        """The field as /schemas takes it ({"type", "targetClass"?, "required"?, "defaultValue"?})."""
        out: dict[str, Any] = {"type": self.type}
        if self.target_class:
            out["targetClass"] = self.target_class
        if self.required:
            out["required"] = True
        if self.has_default:
            out["defaultValue"] = self.default_value
        return out


@dataclass(frozen=True)
class ClassDef:
    """One class of a schema file: fields, and Parse's CLP and indexes when given."""

    class_name: str
    fields: dict[str, FieldDef]
    clp: dict[str, Any] | None = None
    indexes: dict[str, dict[str, Any]] | None = None
    description: str = ""
    builtin_fields: dict[str, FieldDef] = field(default_factory=dict)  # listed but owned by Parse (User.username)


@dataclass(frozen=True)
class SchemaDocument:
    """A validated schema file."""

    classes: list[ClassDef]
    description: str = ""
    source: str = "<memory>"

    def get(self, class_name: str) -> ClassDef | None:
        """The class named `class_name` (Parse's name, e.g. "_User"), or None."""
        return next((c for c in self.classes if c.class_name == class_name), None)


@dataclass(frozen=True)
class LoadOptions:
    """Parse Server's `schema` options (its "defined schemas"), with the loader's dry-run switch."""

    strict: bool = False  # extra classes/fields are reported; a refused change stops a start
    delete_extra_fields: bool = False  # drop fields the file does not list (their data goes too)
    recreate_modified_fields: bool = False  # allow type changes: drop the field, add it again (data lost)
    lock_schemas: bool = False  # /schemas create and update answer 119 while the server runs
    keep_unknown_indexes: bool = False  # indexes of a defined class the file does not list are kept, not dropped

    @classmethod
    def from_parse(cls, options: dict[str, Any]) -> "LoadOptions":
        """From Parse's option names (strict, deleteExtraFields, recreateModifiedFields, lockSchemas,
        keepUnknownIndexes)."""
        return cls(strict=bool(options.get("strict", False)),
                   delete_extra_fields=bool(options.get("deleteExtraFields", False)),
                   recreate_modified_fields=bool(options.get("recreateModifiedFields", False)),
                   lock_schemas=bool(options.get("lockSchemas", False)),
                   keep_unknown_indexes=bool(options.get("keepUnknownIndexes", False)))


class SchemaFileError(Exception):
    """A schema file that cannot be loaded: every problem, each prefixed by its JSON path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))


class PlanRefused(Exception):
    """A plan holds changes that were not allowed (type changes without recreateModifiedFields)."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("refused:\n" + "\n".join(f"  {r}" for r in reasons))
