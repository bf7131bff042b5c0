"""What a query selects below a field: the paths to `include` for pointers, and whether counts or
edges are asked for, read from the selection set (fragments and inline fragments followed)."""

from __future__ import annotations

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


def include_paths(nodes: Iterable[FieldNode], info: GraphQLResolveInfo, model: "ClassModel",
                  models: dict[str, "ClassModel"], prefix: str = "", depth: int = 0) -> list[str]:
    """The pointer paths below an object selection that need their targets fetched (REST `include`)."""
    paths: list[str] = []
    if depth > 10:
        return paths
    for name, sub in children(nodes, info).items():
        if model.field_type(name) != "Pointer":
            continue
        below = children(sub, info)
        if not set(below) - {"objectId", "id", "__typename"}:
            continue  # the pointer itself answers objectId and id
        path = prefix + name
        paths.append(path)
        target = models.get(model.target(name) or "")
        if target is not None:
            paths += include_paths(sub, info, target, models, path + ".", depth + 1)
    return paths


def node_selection(info: GraphQLResolveInfo) -> tuple[list[FieldNode], dict[str, list[FieldNode]]]:
    """The `edges { node }` field nodes of a connection selection, and the connection's own fields."""
    top = children(info.field_nodes, info)
    edges = top.get("edges", [])
    nodes = children(edges, info).get("node", []) if edges else []
    return nodes, top
