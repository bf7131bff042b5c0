"""The geo operators of the matcher: $nearSphere, $within, $geoWithin, $geoIntersects."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import geo
from ..errors import ParseError

_Test = Callable[[Any], bool]
_NUMBER_TYPES = (int, float)
MAX_DISTANCE_DIVISORS = {
    "$maxDistance": 1.0,
    "$maxDistanceInRadians": 1.0,
    "$maxDistanceInMiles": 3958.8,
    "$maxDistanceInKilometers": 6371.0,
}


def _any_point(v: Any, check: Callable[[geo.LatLng], bool]) -> bool:
    point = geo.as_lat_lng(v)
    if point is not None:
        return check(point)
    if type(v) is list:
        for e in v:
            p = geo.as_lat_lng(e)
            if p is not None and check(p):
                return True
    return False


def near_sphere_test(arg: Any, cond: dict[str, Any]) -> _Test:
    centre = geo.query_point(arg)
    if centre is None:
        raise ParseError(ParseError.INVALID_JSON, "bad $nearSphere value; should be a GeoPoint")
    max_distance = math.inf
    for name, divisor in MAX_DISTANCE_DIVISORS.items():
        if name in cond:
            value = cond[name]
            if type(value) not in _NUMBER_TYPES or type(value) is bool:
                raise ParseError(ParseError.INVALID_JSON, f"bad {name} value")
            max_distance = value / divisor

    def within_reach(p: geo.LatLng) -> bool:
        return geo.distance_between(centre, p) <= max_distance

    return lambda v: _any_point(v, within_reach)


def within_test(arg: Any) -> _Test:
    box = arg.get("$box") if type(arg) is dict else None
    corners = [geo.query_point(c) for c in box] if type(box) is list and len(box) == 2 else []
    if len(corners) != 2 or corners[0] is None or corners[1] is None:
        raise ParseError(ParseError.INVALID_JSON, "malformatted $within arg")
    south_west, north_east = corners[0], corners[1]
    return lambda v: _any_point(v, lambda p: geo.in_box(p, south_west, north_east))


def geo_within_test(arg: Any) -> _Test:
    if type(arg) is not dict:
        raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value")
    if "$polygon" in arg:
        vertices = _query_polygon(arg["$polygon"])
        return lambda v: _any_point(v, lambda p: geo.in_planar_polygon(p, vertices))
    if "$centerSphere" in arg:
        spec = arg["$centerSphere"]
        centre = geo.query_point(spec[0]) if type(spec) is list and len(spec) == 2 else None
        radius = spec[1] if centre is not None else None
        if centre is None or type(radius) not in _NUMBER_TYPES or type(radius) is bool or radius < 0:
            raise ParseError(
                ParseError.INVALID_JSON,
                "bad $geoWithin value; $centerSphere should be an array of Parse.GeoPoint and distance",
            )
        return lambda v: _any_point(v, lambda p: geo.distance_between(centre, p) <= radius)
    raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value")


def _query_polygon(value: Any) -> list[geo.LatLng]:
    """The vertices of a ``$polygon``: GeoPoints, or raw pairs read as [longitude, latitude] as MongoDB does."""
    points = value.get("coordinates") if type(value) is dict and value.get("__type") == "Polygon" else value
    if type(points) is not list or len(points) < 3:
        raise ParseError(
            ParseError.INVALID_JSON, "bad $geoWithin value; $polygon should contain at least 3 GeoPoints"
        )
    vertices = [geo.query_point(p) for p in points]
    if any(v is None for v in vertices):
        raise ParseError(ParseError.INVALID_JSON, "bad $geoWithin value")
    return vertices  # type: ignore[return-value]


def geo_intersects_test(arg: Any) -> _Test:
    point = geo.as_lat_lng(arg.get("$point")) if type(arg) is dict else None
    if point is None:
        raise ParseError(ParseError.INVALID_JSON, "bad $geoIntersect value; $point should be GeoPoint")

    def test(v: Any) -> bool:
        vertices = geo.polygon_vertices(v)
        return vertices is not None and geo.polygon_contains(vertices, point)

    return test
