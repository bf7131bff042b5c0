"""Applying a plan through a schema target: the SchemaController in process, or /schemas over HTTP.

Both targets take Parse's /schemas payloads, so a plan runs the same way against a database
opened directly, a running parse_clone, or Parse Server itself.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..core.schema.controller import SchemaController
from .model import LoadOptions, PlanRefused, SchemaDocument
from .plan import Plan, make_plan


class SchemaTarget(Protocol):
    """Where schemas are read and written (Parse's /schemas operations)."""

    async def schemas(self) -> dict[str, dict[str, Any]]:
        """Every class schema as GET /schemas answers it, by className."""

    async def create_class(self, class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
                           indexes: dict[str, Any] | None) -> None:
        """POST /schemas/<class_name>."""

    async def update_class(self, class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
                           indexes: dict[str, Any] | None) -> None:
        """PUT /schemas/<class_name>."""


class ControllerTarget:
    """A SchemaController: a server's own, or one over a storage adapter opened by the CLI."""

    def __init__(self, controller: SchemaController) -> None:
        self.controller = controller

    async def schemas(self) -> dict[str, dict[str, Any]]:
        """The controller's schemas, freshly read, in /schemas form."""
        self.controller.invalidate()
        return {name: self.controller.to_api(s) for name, s in (await self.controller.all()).items()}

    async def create_class(self, class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
                           indexes: dict[str, Any] | None) -> None:
        """Create through the controller (Parse's validation applies)."""
        await self.controller.create_class(class_name, fields, clp, indexes or None)

    async def update_class(self, class_name: str, fields: dict[str, Any], clp: dict[str, Any] | None,
                           indexes: dict[str, Any] | None) -> None:
        """Update through the controller."""
        await self.controller.update_class(class_name, fields, clp, indexes or None)


async def plan_load(document: SchemaDocument, target: SchemaTarget, options: LoadOptions) -> Plan:
    """The plan for loading `document` into `target` now."""
    return make_plan(document, await target.schemas(), options)


async def apply_plan(plan: Plan, target: SchemaTarget) -> list[str]:
    """Run a plan's /schemas calls (refused changes are not in them); what was done, one line per call."""
    done: list[str] = []
    for cp in plan.classes:
        if cp.create:
            await target.create_class(cp.class_name, cp.add_fields, cp.clp, cp.add_indexes)
            done.append(f"created {cp.class_name}")
            continue
        drops = cp.drop_payload()
        if drops is not None:
            await target.update_class(cp.class_name, drops[0], None, drops[1])
            done.append(f"dropped from {cp.class_name}: {', '.join(cp.drop_fields + cp.drop_indexes)}")
        if cp.has_additions():
            await target.update_class(cp.class_name, cp.add_fields, cp.clp, cp.add_indexes)
            done.append(f"updated {cp.class_name}")
    return done


async def load_schema(document: SchemaDocument, target: SchemaTarget, options: LoadOptions,
                      dry_run: bool = False, allow_refused: bool = False) -> tuple[Plan, list[str]]:
    """Plan, then apply unless `dry_run`; PlanRefused (nothing applied) when a change is refused,
    unless `allow_refused` (start without strict: refused changes are skipped)."""
    plan = await plan_load(document, target, options)
    if plan.refused and not allow_refused and not dry_run:
        raise PlanRefused([f"{c.class_name}.{c.name}: {c.detail}: {c.refused}" for c in plan.refused])
    if dry_run or plan.is_empty:
        return plan, []
    return plan, await apply_plan(plan, target)

