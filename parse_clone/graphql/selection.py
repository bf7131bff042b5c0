"""What a query selects below a field: the `keys` and the `include` paths a read passes to the query
pipeline (as Parse Server derives them from the selection set), and whether counts or edges are asked
for; fragments and inline fragments are followed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from graphql import FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode

if TYPE_CHECKING:
    from .model import ClassModel


def children(nodes: Iterable[FieldNode], info: GraphQLResolveInfo) -> dict[str, list[FieldNode]]:
    """The fields selected below `nodes`, by name, merged across fragments."""
    found: dict[str, list[FieldNode]] = {}

    def walk(selection_set: Any) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                found.setdefault(sel.name.value, []).append(sel)
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = info.fragments.get(sel.name.value)
                if fragment is not None:
                    walk(fragment.selection_set)

    for node in nodes:
        walk(node.selection_set)
    return found


_POINTER_ONLY = frozenset(("objectId", "id", "__typename"))  # what a pointer answers without its target
_MAX_DEPTH = 10


@dataclass
class Projection:
    """The `keys` (None: whole objects) and `include` paths of one object selection."""

    keys: list[str] | None = None
    include: list[str] = field(default_factory=list)


def projection(nodes: Iterable[FieldNode], info: GraphQLResolveInfo, model: "ClassModel",
               models: dict[str, "ClassModel"]) -> Projection:
    """What to fetch for an object selection: the selected fields as keys (`id` -> objectId, dotted below
    an included pointer), and the pointers whose sub-selection asks for more than id/objectId as includes.
    As Parse Server, a selection that names authData anywhere, or nothing but __typename, fetches whole
    objects (authData is stored apart from the other fields). It depends on the document alone, so it is
    derived once per checked document (the context's memo) and copied for each read."""
    nodes = list(nodes)
    memo = info.context.memo() if hasattr(info.context, "memo") else None
    key = ("projection", model.class_name, *map(id, nodes))
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = _projection(nodes, info, model, models)
        if memo is not None:
            memo[key] = found
    return Projection(None if found.keys is None else list(found.keys), list(found.include))


def _projection(nodes: list[FieldNode], info: GraphQLResolveInfo, model: "ClassModel",
                models: dict[str, "ClassModel"]) -> Projection:
    keys: list[str] = []
    include: list[str] = []
    _project(nodes, info, model, models, "", 0, keys, include)
    if not keys or any("authData" in k for k in keys):
        return Projection(None, include)
    return Projection(list(dict.fromkeys(keys)), include)


def _project(nodes: list[FieldNode], info: GraphQLResolveInfo, model: "ClassModel",
             models: dict[str, "ClassModel"], prefix: str, depth: int, keys: list[str], include: list[str]) -> None:
    for name, sub in children(nodes, info).items():
        if name == "__typename":
            continue
        if depth <= _MAX_DEPTH and model.field_type(name) == "Pointer" and set(children(sub, info)) - _POINTER_ONLY:
            path = prefix + name
            include.append(path)
            target = models.get(model.target(name) or "")
            before = len(keys)
            if target is not None:
                _project(sub, info, target, models, path + ".", depth + 1, keys, include)
            if len(keys) == before:
                keys.append(path)
            continue
        keys.append(prefix + ("objectId" if name == "id" else name))


def node_selection(info: GraphQLResolveInfo) -> tuple[list[FieldNode], dict[str, list[FieldNode]], bool]:
    """The `edges { node }` field nodes of a connection selection, the connection's own fields, and
    whether the edges' cursors are selected."""
    top = children(info.field_nodes, info)
    edges = top.get("edges", [])
    below = children(edges, info) if edges else {}
    return below.get("node", []), top, "cursor" in below
