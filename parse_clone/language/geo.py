"""Geometry for Parse geo queries, evaluated in memory the way MongoDB does.

- ``$nearSphere`` / ``$centerSphere``: great-circle distance on a unit sphere.
- ``$within.$box`` and ``$geoWithin.$polygon``: flat (planar) geometry on
  ``(longitude, latitude)`` pairs, like MongoDB's legacy-coordinate shapes;
  the border counts as inside.
- ``$geoIntersects`` on a Polygon field: the polygon's edges are geodesics,
  like a MongoDB ``2dsphere`` GeoJSON polygon; the border counts as inside.

Points are handled as ``(latitude, longitude)`` float pairs in degrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

LatLng = tuple[float, float]

# Tolerance (in degrees, or in gnomonic tangent units) for "on the border".
_BORDER_EPS = 1e-9


def as_lat_lng(value: Any) -> LatLng | None:
    """(latitude, longitude) of a GeoPoint JSON value, or None if it is not one."""
    if type(value) is not dict or value.get("__type") != "GeoPoint":
        return None
    lat = value.get("latitude")
    lng = value.get("longitude")
    if not _is_number(lat) or not _is_number(lng):
        return None
    return float(lat), float(lng)


def query_point(value: Any) -> LatLng | None:
    """A point given in a query: a GeoPoint JSON value or a raw ``[longitude, latitude]`` pair."""
    point = as_lat_lng(value)
    if point is not None:
        return point
    if type(value) in (list, tuple) and len(value) == 2 and _is_number(value[0]) and _is_number(value[1]):
        return float(value[1]), float(value[0])
    return None


def distance_radians(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Great-circle distance in radians between two GeoPoint JSON values (haversine)."""
    pa = as_lat_lng(a)
    pb = as_lat_lng(b)
    if pa is None or pb is None:
        raise ValueError("distance_radians needs two GeoPoint values")
    return distance_between(pa, pb)


def distance_between(a: LatLng, b: LatLng) -> float:
    """Great-circle distance in radians between two (latitude, longitude) pairs."""
    lat1 = math.radians(a[0])
    lat2 = math.radians(b[0])
    sin_dlat = math.sin((lat2 - lat1) / 2.0)
    sin_dlng = math.sin(math.radians(b[1] - a[1]) / 2.0)
    h = sin_dlat * sin_dlat + math.cos(lat1) * math.cos(lat2) * sin_dlng * sin_dlng
    # Rounding can push h a hair outside [0, 1] for (near-)antipodal points.
    h = min(1.0, max(0.0, h))
    return 2.0 * math.asin(math.sqrt(h))


def in_box(point: LatLng, south_west: LatLng, north_east: LatLng) -> bool:
    """Is the point inside the planar box (border included)? Corners may come in any order."""
    lat, lng = point
    lat_lo, lat_hi = sorted((south_west[0], north_east[0]))
    lng_lo, lng_hi = sorted((south_west[1], north_east[1]))
    return lat_lo <= lat <= lat_hi and lng_lo <= lng <= lng_hi


def in_planar_polygon(point: LatLng, vertices: Sequence[LatLng]) -> bool:
    """Is the point inside the polygon, in flat (longitude, latitude) geometry (border included)?"""
    return _point_in_ring(point[1], point[0], [(lng, lat) for lat, lng in vertices])


def polygon_contains(vertices: Sequence[LatLng], point: LatLng) -> bool:
    """Does the polygon with geodesic edges contain the point (border included)?

    The polygon is taken as the region its ring encloses on the sphere when it fits
    in a hemisphere (what a 2dsphere index accepts); a ring that does not falls back
    to flat (longitude, latitude) geometry.
    """
    ring = _dedupe_ring(vertices)
    if len(ring) < 3:
        return False
    units = [_unit(lat, lng) for lat, lng in ring]
    centre = _normalise((sum(u[0] for u in units), sum(u[1] for u in units), sum(u[2] for u in units)))
    if centre is None or any(_dot(u, centre) <= 1e-9 for u in units):
        return in_planar_polygon(point, ring)
    p = _unit(point[0], point[1])
    if _dot(p, centre) <= 0.0:
        return False
    # A gnomonic projection centred on the ring maps geodesics to straight lines,
    # so the planar test in that tangent plane is exact for geodesic edges.
    e1, e2 = _tangent_basis(centre)
    projected = [_gnomonic(u, centre, e1, e2) for u in units]
    px, py = _gnomonic(p, centre, e1, e2)
    return _point_in_ring(px, py, projected)


def polygon_vertices(value: Any) -> list[LatLng] | None:
    """The ``[[lat, lng], ...]`` ring of a Polygon JSON value as (lat, lng) pairs, or None."""
    if type(value) is not dict or value.get("__type") != "Polygon":
        return None
    coords = value.get("coordinates")
    if type(coords) is not list:
        return None
    ring: list[LatLng] = []
    for pair in coords:
        if type(pair) not in (list, tuple) or len(pair) != 2:
            return None
        lat, lng = pair
        if not _is_number(lat) or not _is_number(lng):
            return None
        ring.append((float(lat), float(lng)))
    return ring


# ----- helpers -----


def _is_number(value: Any) -> bool:
    return (type(value) is int or type(value) is float) and not math.isnan(value)


def _dedupe_ring(vertices: Sequence[LatLng]) -> list[LatLng]:
    ring: list[LatLng] = []
    for v in vertices:
        if not ring or ring[-1] != v:
            ring.append(v)
    while len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def _point_in_ring(x: float, y: float, ring: Sequence[tuple[float, float]]) -> bool:
    """Even-odd test of (x, y) against a closed ring, counting points on an edge as inside."""
    inside = False
    n = len(ring)
    if n == 0:
        return False
    xj, yj = ring[-1]
    for xi, yi in ring:
        if _on_segment(x, y, xi, yi, xj, yj):
            return True
        if (yi > y) != (yj > y):
            x_cross = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < x_cross:
                inside = not inside
        xj, yj = xi, yi
    return inside


def _on_segment(x: float, y: float, x1: float, y1: float, x2: float, y2: float) -> bool:
    if not (min(x1, x2) - _BORDER_EPS <= x <= max(x1, x2) + _BORDER_EPS):
        return False
    if not (min(y1, y2) - _BORDER_EPS <= y <= max(y1, y2) + _BORDER_EPS):
        return False
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    length = math.hypot(x2 - x1, y2 - y1)
    return abs(cross) <= _BORDER_EPS * max(length, 1.0)


Vec = tuple[float, float, float]


def _unit(lat: float, lng: float) -> Vec:
    phi = math.radians(lat)
    lam = math.radians(lng)
    cos_phi = math.cos(phi)
    return (cos_phi * math.cos(lam), cos_phi * math.sin(lam), math.sin(phi))


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _normalise(v: Vec) -> Vec | None:
    norm = math.sqrt(_dot(v, v))
    if norm < 1e-12:
        return None
    return (v[0] / norm, v[1] / norm, v[2] / norm)


def _tangent_basis(centre: Vec) -> tuple[Vec, Vec]:
    helper: Vec = (0.0, 0.0, 1.0) if abs(centre[2]) < 0.9 else (1.0, 0.0, 0.0)
    e1 = _normalise(_cross(helper, centre))
    assert e1 is not None  # helper is never parallel to centre
    return e1, _cross(centre, e1)


def _gnomonic(v: Vec, centre: Vec, e1: Vec, e2: Vec) -> tuple[float, float]:
    scale = 1.0 / _dot(v, centre)
    w = (v[0] * scale, v[1] * scale, v[2] * scale)
    return _dot(w, e1), _dot(w, e2)
