"""The ER diagram as a self-contained SVG: one box per class, one line per Pointer / Relation."""

from __future__ import annotations

import math
from html import escape

from .document import export_class_name
from .model import ClassDef, SchemaDocument

BOX_W, ROW_H, HEAD_H, GAP_X, GAP_Y, MARGIN = 250, 20, 28, 110, 60, 20
COLUMNS = 3


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


def er_svg(document: SchemaDocument) -> str:
    """An SVG drawing of the classes and the pointers between them (no external resources)."""
    classes = document.classes
    columns = min(COLUMNS, max(1, len(classes)))
    row_count = math.ceil(len(classes) / columns) if classes else 0
    row_heights = [max((_height(c) for c in classes[r * columns:(r + 1) * columns]), default=0)
                   for r in range(row_count)]
    boxes: dict[str, tuple[int, int, ClassDef]] = {}
    for i, cls in enumerate(classes):
        r, c = divmod(i, columns)
        boxes[cls.class_name] = (MARGIN + c * (BOX_W + GAP_X), MARGIN + sum(row_heights[:r]) + r * GAP_Y, cls)
    width = MARGIN * 2 + columns * BOX_W + (columns - 1) * GAP_X
    height = MARGIN * 2 + sum(row_heights) + max(0, row_count - 1) * GAP_Y
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
            start_x, end_x = (x + BOX_W, tx) if tx > x else (x, tx + BOX_W)
            if tx == x:
                start_x, end_x = x + BOX_W, tx + BOX_W
            end_y = ty + HEAD_H / 2
            bend = 40 if tx == x else 0
            path = (f"M{start_x} {sy} C{start_x + (bend or (end_x - start_x) / 2)} {sy} "
                    f"{end_x + (bend or (start_x - end_x) / 2)} {end_y} {end_x} {end_y}")
            dash = "" if f.type == "Pointer" and f.required else ' stroke-dasharray="5 3"'
            edges.append(f'<path d="{path}" fill="none" stroke="#3b5b8c" stroke-width="1.5"{dash} '
                         f'marker-end="url(#one)"><title>{escape(export_class_name(name))}.{escape(field_name)} → '
                         f'{escape(export_class_name(f.target_class))} ({f.type})</title></path>')
            labels.append(f'<text x="{(start_x + end_x) / 2}" y="{(sy + end_y) / 2 - 4}" fill="#3b5b8c" '
                          f'text-anchor="middle" font-size="11">{escape(field_name)}</text>')
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
