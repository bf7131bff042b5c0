"""Geometry behind the geo query operators."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parse_clone.language import geo
from parse_clone.language.geo import distance_radians


def gp(lat: float, lng: float) -> dict:
    return {"__type": "GeoPoint", "latitude": lat, "longitude": lng}


# ----- distance -----


def test_distance_to_itself_is_zero():
    assert distance_radians(gp(40.7, -74.0), gp(40.7, -74.0)) == 0.0


def test_distance_one_degree_of_longitude_on_equator():
    assert distance_radians(gp(0, 0), gp(0, 1)) == pytest.approx(math.radians(1))


def test_distance_pole_to_pole_is_pi():
    assert distance_radians(gp(90, 0), gp(-90, 0)) == pytest.approx(math.pi)


def test_distance_antipodal_points_is_pi():
    assert distance_radians(gp(10, 20), gp(-10, -160)) == pytest.approx(math.pi)


def test_distance_across_the_antimeridian_is_short():
    assert distance_radians(gp(0, 179.5), gp(0, -179.5)) == pytest.approx(math.radians(1))


def test_distance_longitude_meaningless_at_the_pole():
    assert distance_radians(gp(90, 0), gp(90, 123)) == pytest.approx(0.0, abs=1e-12)


def test_distance_san_francisco_to_new_york():
    # About 4130 km on a 6371 km sphere.
    d = distance_radians(gp(37.7749, -122.4194), gp(40.7128, -74.0060))
    assert d * 6371 == pytest.approx(4129, abs=5)


def test_distance_needs_geopoints():
    with pytest.raises(ValueError):
        distance_radians(gp(0, 0), {"latitude": 1, "longitude": 2})


@settings(max_examples=50, deadline=None)
@given(
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.floats(-90, 90),
    st.floats(-180, 180),
)
def test_distance_is_symmetric_and_bounded(lat1, lng1, lat2, lng2):
    d = distance_radians(gp(lat1, lng1), gp(lat2, lng2))
    assert 0.0 <= d <= math.pi + 1e-12
    assert d == pytest.approx(distance_radians(gp(lat2, lng2), gp(lat1, lng1)), abs=1e-12)


# ----- parsing helpers -----


def test_as_lat_lng_reads_geopoint():
    assert geo.as_lat_lng(gp(1, 2)) == (1.0, 2.0)


def test_as_lat_lng_rejects_other_values():
    assert geo.as_lat_lng({"__type": "GeoPoint", "latitude": "1", "longitude": 2}) is None
    assert geo.as_lat_lng({"__type": "GeoPoint", "latitude": True, "longitude": 2}) is None
    assert geo.as_lat_lng([2, 1]) is None
    assert geo.as_lat_lng(None) is None


def test_query_point_reads_longitude_latitude_pair():
    assert geo.query_point([2, 1]) == (1.0, 2.0)


def test_polygon_vertices_reads_lat_lng_pairs():
    assert geo.polygon_vertices({"__type": "Polygon", "coordinates": [[1, 2], [3, 4], [5, 6]]}) == [
        (1.0, 2.0),
        (3.0, 4.0),
        (5.0, 6.0),
    ]


def test_polygon_vertices_rejects_malformed_polygon():
    assert geo.polygon_vertices({"__type": "Polygon", "coordinates": [[1, 2, 3]]}) is None
    assert geo.polygon_vertices({"__type": "Polygon"}) is None
    assert geo.polygon_vertices(gp(1, 2)) is None


# ----- box -----


def test_box_contains_inside_point():
    assert geo.in_box((5, 5), (0, 0), (10, 10)) is True


def test_box_contains_its_corners_and_edges():
    assert geo.in_box((0, 0), (0, 0), (10, 10)) is True
    assert geo.in_box((10, 3), (0, 0), (10, 10)) is True


def test_box_excludes_outside_point():
    assert geo.in_box((11, 5), (0, 0), (10, 10)) is False


def test_box_corners_in_any_order():
    assert geo.in_box((5, 5), (10, 10), (0, 0)) is True


def test_box_crossing_the_antimeridian_is_read_as_flat():
    # Like MongoDB's flat $box: corners at 170 and -170 span the 340 degrees between them.
    assert geo.in_box((0, 0), (-5, 170), (5, -170)) is True
    assert geo.in_box((0, 175), (-5, 170), (5, -170)) is False


# ----- planar polygon -----

SQUARE = [(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0)]


def test_planar_polygon_inside():
    assert geo.in_planar_polygon((5, 5), SQUARE) is True


def test_planar_polygon_outside():
    assert geo.in_planar_polygon((15, 5), SQUARE) is False
    assert geo.in_planar_polygon((5, -0.001), SQUARE) is False


def test_planar_polygon_vertex_counts_as_inside():
    assert geo.in_planar_polygon((10, 10), SQUARE) is True
    assert geo.in_planar_polygon((0, 0), SQUARE) is True


def test_planar_polygon_edge_counts_as_inside():
    assert geo.in_planar_polygon((0, 5), SQUARE) is True
    assert geo.in_planar_polygon((7.5, 10), SQUARE) is True


def test_planar_polygon_diagonal_edge_counts_as_inside():
    triangle = [(0.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    assert geo.in_planar_polygon((5, 5), triangle) is True
    assert geo.in_planar_polygon((5, 4.999), triangle) is False


def test_planar_polygon_ray_through_vertex_is_not_double_counted():
    diamond = [(0.0, 5.0), (5.0, 10.0), (10.0, 5.0), (5.0, 0.0)]
    assert geo.in_planar_polygon((5, 2), diamond) is True
    assert geo.in_planar_polygon((5, -2), diamond) is False


def test_planar_polygon_closed_ring():
    assert geo.in_planar_polygon((5, 5), [*SQUARE, SQUARE[0]]) is True


# ----- spherical polygon ($geoIntersects) -----


def test_spherical_polygon_contains_inside_point():
    assert geo.polygon_contains(SQUARE, (5, 5)) is True


def test_spherical_polygon_excludes_outside_point():
    assert geo.polygon_contains(SQUARE, (20, 20)) is False
    assert geo.polygon_contains(SQUARE, (-5, 5)) is False


def test_spherical_polygon_vertex_and_meridian_edge_count_as_inside():
    assert geo.polygon_contains(SQUARE, (0, 0)) is True
    assert geo.polygon_contains(SQUARE, (5, 0)) is True
    assert geo.polygon_contains(SQUARE, (5, 10)) is True


def test_spherical_polygon_equator_edge_counts_as_inside():
    assert geo.polygon_contains(SQUARE, (0, 5)) is True


def test_spherical_polygon_edges_are_geodesics():
    # The northern edge from (60, 0) to (60, 40) bulges poleward to about 61.5 degrees,
    # so (61, 20) is inside on the sphere though outside in flat lat/lng.
    ring = [(50.0, 0.0), (60.0, 0.0), (60.0, 40.0), (50.0, 40.0)]
    assert geo.polygon_contains(ring, (61, 20)) is True
    assert geo.in_planar_polygon((61, 20), ring) is False
    assert geo.polygon_contains(ring, (62, 20)) is False


def test_spherical_polygon_does_not_contain_antipode():
    assert geo.polygon_contains(SQUARE, (-5, -175)) is False


def test_spherical_polygon_across_the_antimeridian():
    ring = [(-5.0, 175.0), (5.0, 175.0), (5.0, -175.0), (-5.0, -175.0)]
    assert geo.polygon_contains(ring, (0, 180)) is True
    assert geo.polygon_contains(ring, (0, -178)) is True
    assert geo.polygon_contains(ring, (0, 0)) is False


def test_spherical_polygon_around_a_pole():
    ring = [(80.0, 0.0), (80.0, 90.0), (80.0, 180.0), (80.0, -90.0)]
    assert geo.polygon_contains(ring, (89, 45)) is True
    assert geo.polygon_contains(ring, (70, 45)) is False


def test_spherical_polygon_with_repeated_closing_vertex():
    assert geo.polygon_contains([*SQUARE, SQUARE[0]], (5, 5)) is True


def test_degenerate_polygon_contains_nothing():
    assert geo.polygon_contains([(0.0, 0.0), (1.0, 1.0)], (0.5, 0.5)) is False
