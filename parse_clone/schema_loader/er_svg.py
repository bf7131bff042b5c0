"""The ER diagram as a self-contained SVG: one box per class, one line per Pointer / Relation.

Classes stand in columns by how far their pointers reach: a class is to the right of every class it
points to, so the lines run right to left, from the pointer field to the target's name.
"""

from __future__ import annotations

from html import escape

from .document import export_class_name
from .model import ClassDef, SchemaDocument

BOX_W, ROW_H, HEAD_H, GAP_X, GAP_Y, MARGIN = 230, 20, 28, 120, 40, 20


def _rows(cls: ClassDef) -> list[tuple[str, str]]:
    rows = [("objectId", "String")]
    for name, f in {**cls.builtin_fields, **cls.fields}.items():
        if name == "password":
            continue
        target = f"<{export_class_name(f.target_class)}>" if f.target_class else ""
        rows.append((name, f.type + target))
    return rows


def _height(cls: ClassDef) -> int:
    return HEAD_H + ROW_H * len(_rows(cls)) + 8


def _depths(document: SchemaDocument) -> dict[str, int]:
    """Column of each class: 0 for a class pointing nowhere, else one more than its deepest target."""
    names = {c.class_name for c in document.classes}
    targets = {c.class_name: {f.target_class for f in {**c.builtin_fields, **c.fields}.values()
                              if f.target_class in names and f.target_class != c.class_name}
               for c in document.classes}
    depth: dict[str, int] = {}

    def visit(name: str, path: frozenset[str]) -> int:
        if name not in depth:
            deeper = [visit(t, path | {name}) for t in targets[name] if t not in path]
            depth[name] = 1 + max(deeper) if deeper else 0
        return depth[name]

    for c in document.classes:
        visit(c.class_name, frozenset())
    return depth


def _layout(document: SchemaDocument) -> tuple[dict[str, tuple[int, int, ClassDef]], int, int]:
    """Boxes in columns by depth (targets to the left of what points at them), stacked in each column."""
    depth = _depths(document)
    columns: dict[int, list[ClassDef]] = {}
    for cls in document.classes:
        columns.setdefault(depth[cls.class_name], []).append(cls)
    boxes, height = {}, 0
    for col, (_, members) in enumerate(sorted(columns.items())):
        y = MARGIN
        for cls in members:
            boxes[cls.class_name] = (MARGIN + col * (BOX_W + GAP_X), y, cls)
            y += _height(cls) + GAP_Y
        height = max(height, y - GAP_Y + MARGIN)
    width = MARGIN * 2 + len(columns) * BOX_W + max(0, len(columns) - 1) * GAP_X
    return boxes, width, height


def er_svg(document: SchemaDocument) -> str:
    """An SVG drawing of the classes and the pointers between them (no external resources)."""
    boxes, width, height = _layout(document)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" font-family="sans-serif" font-size="12" role="img" aria-label="ER diagram">',
           '<defs><marker id="one" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" '
           'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#3b5b8c"/></marker></defs>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    edges, labels = [], []
    for name, (x, y, cls) in boxes.items():
        for index, (field_name, _) in enumerate(_rows(cls)):
            f = {**cls.builtin_fields, **cls.fields}.get(field_name)
            if not f or not f.target_class or f.target_class not in boxes:
                continue
            tx, ty, _ = boxes[f.target_class]
            sy = y + HEAD_H + ROW_H * index + ROW_H / 2
            end_y = ty + HEAD_H / 2
            between = [by + _height(c) for bx, by, c in boxes.values() if tx < bx < x]
            if between:  # a column in between: pass under it, up into the target's bottom
                tb, tcx = ty + _height(boxes[f.target_class][2]), tx + BOX_W / 2
                below, px = max([*between, sy, tb]) + 25, x - GAP_X / 2
                path = (f"M{x} {sy} C{px} {sy} {px} {below} {px - 30} {below} L{tcx + 30} {below} "
                        f"C{tcx} {below} {tcx} {below} {tcx} {tb}")
                lx, ly, anchor = (tcx + px) / 2, below - 4, "middle"
            elif tx < x:  # the usual case: from the field's left end to the target's right side
                start_x, end_x = x, tx + BOX_W
                path = f"M{start_x} {sy} C{start_x - GAP_X / 2} {sy} {end_x + GAP_X / 2} {end_y} {end_x} {end_y}"
                lx, ly, anchor = start_x - 6, sy - 4, "end"
            else:  # itself or a cycle: a loop out on the right
                start_x, end_x = x + BOX_W, tx + BOX_W
                path = f"M{start_x} {sy} C{start_x + 50} {sy} {end_x + 50} {end_y} {end_x} {end_y}"
                lx, ly, anchor = start_x + 6, sy - 4, "start"
            dash = "" if f.type == "Pointer" and f.required else ' stroke-dasharray="5 3"'
            edges.append(f'<path d="{path}" fill="none" stroke="#3b5b8c" stroke-width="1.5"{dash} '
                         f'marker-end="url(#one)"><title>{escape(export_class_name(name))}.{escape(field_name)} → '
                         f'{escape(export_class_name(f.target_class))} ({f.type})</title></path>')
            labels.append(f'<text x="{lx}" y="{ly}" fill="#3b5b8c" text-anchor="{anchor}" '
                          f'font-size="11">{escape(field_name)}</text>')
    for name, (x, y, cls) in boxes.items():
        rows = _rows(cls)
        h = _height(cls)
        out.append(f'<g class="entity" data-class="{escape(name)}">')
        out.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{h}" rx="6" fill="#f7f9fc" stroke="#3b5b8c"/>')
        out.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{HEAD_H}" rx="6" fill="#3b5b8c"/>')
        out.append(f'<text x="{x + BOX_W / 2}" y="{y + 19}" fill="#fff" text-anchor="middle" font-weight="bold" '
                   f'font-size="14">{escape(export_class_name(name))}</text>')
        for i, (field_name, ftype) in enumerate(rows):
            ry = y + HEAD_H + ROW_H * i + 14
            out.append(f'<text x="{x + 10}" y="{ry}" fill="#1d2733">{escape(field_name)}</text>')
            out.append(f'<text x="{x + BOX_W - 10}" y="{ry}" fill="#5a6b7f" text-anchor="end">{escape(ftype)}</text>')
        out.append("</g>")
    out += edges + labels + ["</svg>"]
    return "\n".join(out) + "\n"
