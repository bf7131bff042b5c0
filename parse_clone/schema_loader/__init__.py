"""Schema files for admins: validate, plan, apply (in process or over /schemas), export, document.

No HTTP here: the CLI (parse_clone/commands/schema.py) supplies an HTTP target; the server
applies the `schema` option on start through its own SchemaController (startup.py).
"""

from .apply import ControllerTarget, SchemaTarget, apply_plan, load_schema, plan_load
from .document import export_document, parse_schema_data, parse_schema_text, read_schema_file
from .model import ClassDef, FieldDef, LoadOptions, PlanRefused, SchemaDocument, SchemaFileError
from .plan import Change, ClassPlan, Plan, format_plan, make_plan

__all__ = [
    "Change", "ClassDef", "ClassPlan", "ControllerTarget", "FieldDef", "LoadOptions", "Plan", "PlanRefused",
    "SchemaDocument", "SchemaFileError", "SchemaTarget", "apply_plan", "export_document", "format_plan",
    "load_schema", "make_plan", "parse_schema_data", "parse_schema_text", "plan_load", "read_schema_file",
]
