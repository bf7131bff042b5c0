"""Geo and full-text queries: $nearSphere, $within, $geoWithin, $geoIntersects, $text, and their errors.

mongomock-motor implements none of MongoDB's geo or text operators, so the cases that
execute such a query skip on that backend (with the reason); on SQLite they always run.
The Mongo adapter's translation of these operators is covered in tests/storage.
Argument errors are raised before storage is reached and run on every backend.
"""

from __future__ import annotations

from typing import Any

import pytest

MOCK_HAS_NO_GEO = "mongomock-motor does not implement MongoDB's geo operators ($nearSphere, $geoWithin, ...)"
MOCK_HAS_NO_TEXT = "mongomock-motor does not implement MongoDB's $text search"


def needs_real_engine(backend: str, reason: str) -> None:
    """Skip on mongomock only: the mock cannot execute the query (never skipped on SQLite)."""
    if backend == "mongomock":
        pytest.skip(reason)


def geo(latitude: float, longitude: float) -> dict[str, Any]:
    return {"__type": "GeoPoint", "latitude": latitude, "longitude": longitude}


async def seed_places(api) -> None:
    """Three places on the equator, 0, 1 and 2 degrees east (1 degree is about 111 km, 69 miles)."""
    for name, lng in (("zero", 0), ("two", 2), ("one", 1)):
        status, body = await api.post("/classes/Place", {"name": name, "location": geo(0, lng)})
        assert status == 201, body


async def names(api, class_name: str, where: dict[str, Any], **params: Any) -> list[str]:
    status, body = await api.get(f"/classes/{class_name}", params={"where": where, **params})
    assert status == 200, body
    return [r["name"] for r in body["results"]]


async def query_error(api, class_name: str, where: dict[str, Any]) -> tuple[int, Any]:
    return await api.get(f"/classes/{class_name}", params={"where": where})


# ----- $nearSphere -----
async def test_near_sphere_answers_nearest_first(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    assert await names(api, "Place", {"location": {"$nearSphere": geo(0, 0)}}) == ["zero", "one", "two"]
    assert await names(api, "Place", {"location": {"$nearSphere": geo(0, 2.2)}}) == ["two", "one", "zero"]


@pytest.mark.parametrize("limit", [
    {"$maxDistance": 0.02},
    {"$maxDistanceInRadians": 0.02},
    {"$maxDistanceInMiles": 100},
    {"$maxDistanceInKilometers": 150},
])
async def test_near_sphere_max_distance_in_each_unit(api, backend, limit):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    assert await names(api, "Place", {"location": {"$nearSphere": geo(0, 0), **limit}}) == ["zero", "one"]


async def test_near_sphere_with_count(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    where = {"location": {"$nearSphere": geo(0, 0), "$maxDistanceInKilometers": 150}}
    status, body = await api.get("/classes/Place", params={"where": where, "count": 1, "limit": 0})
    assert (status, body) == (200, {"results": [], "count": 2})


async def test_near_sphere_inside_or(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    where = {"$or": [{"location": {"$nearSphere": geo(0, 0), "$maxDistanceInKilometers": 50}},
                     {"location": {"$nearSphere": geo(0, 2), "$maxDistanceInKilometers": 50}}]}
    assert sorted(await names(api, "Place", where)) == ["two", "zero"]


# ----- $within / $geoWithin -----
async def test_within_box(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    where = {"location": {"$within": {"$box": [geo(-1, -1), geo(1, 1.5)]}}}
    assert sorted(await names(api, "Place", where)) == ["one", "zero"]


async def test_geo_within_polygon_of_geopoints(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    square = [geo(-1, 0.5), geo(1, 0.5), geo(1, 2.5), geo(-1, 2.5)]
    assert sorted(await names(api, "Place", {"location": {"$geoWithin": {"$polygon": square}}})) == ["one", "two"]


async def test_geo_within_a_polygon_object(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    for name, point in (("inside", geo(5, 5)), ("outside", geo(20, 20))):
        await api.post("/classes/Place", {"name": name, "location": point})
    polygon = {"__type": "Polygon", "coordinates": [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]}
    assert await names(api, "Place", {"location": {"$geoWithin": {"$polygon": polygon}}}) == ["inside"]


async def test_geo_within_center_sphere(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    where = {"location": {"$geoWithin": {"$centerSphere": [geo(0, 0), 0.02]}}}
    assert sorted(await names(api, "Place", where)) == ["one", "zero"]


async def test_geo_within_center_sphere_takes_a_lng_lat_pair(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    await seed_places(api)
    where = {"location": {"$geoWithin": {"$centerSphere": [[2, 0], 0.02]}}}
    assert sorted(await names(api, "Place", where)) == ["one", "two"]


# ----- $geoIntersects -----
async def test_geo_intersects_finds_polygons_containing_a_point(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_GEO)
    for name, coords in (("small", [[0, 0], [0, 1], [1, 1], [1, 0]]),
                         ("far", [[10, 10], [10, 11], [11, 11], [11, 10]])):
        status, body = await api.post("/classes/Area", {"name": name,
                                                        "bounds": {"__type": "Polygon", "coordinates": coords}})
        assert status == 201, body
    where = {"bounds": {"$geoIntersects": {"$point": geo(0.5, 0.5)}}}
    assert await names(api, "Area", where) == ["small"]


# ----- one GeoPoint field per class -----
async def test_two_geopoints_in_one_object_is_111(api):
    status, body = await api.post("/classes/Place", {"a": geo(1, 1), "b": geo(2, 2)})
    assert (status, body) == (400, {"code": 111, "error": "there can only be one geopoint field in a class"})
    assert (await api.get("/classes/Place", master=True))[1] == {"results": []}


async def test_a_second_geopoint_field_is_111(api):
    await api.post("/classes/Place", {"location": geo(1, 1)})
    status, body = await api.post("/classes/Place", {"other": geo(2, 2)})
    assert (status, body) == (400, {"code": 111, "error": "MongoDB only supports one GeoPoint field in a class."})
    _, found = await api.get("/classes/Place", master=True)
    assert len(found["results"]) == 1


# ----- bad geo values and arguments -----
@pytest.mark.parametrize("point, message", [
    (geo(91, 0), "GeoPoint latitude out of bounds: 91 > 90.0."),
    (geo(-91, 0), "GeoPoint latitude out of bounds: -91 < -90.0."),
    (geo(0, 181), "GeoPoint longitude out of bounds: 181 > 180.0."),
    (geo(0, -181), "GeoPoint longitude out of bounds: -181 < -180.0."),
])
async def test_saving_an_out_of_range_geopoint_is_code_1_with_400(api, point, message):
    status, body = await api.post("/classes/Place", {"location": point})
    assert (status, body) == (400, {"code": 1, "error": message})
    assert (await api.get("/classes/Place", master=True))[1] == {"results": []}


async def test_saving_a_malformed_geopoint_is_111(api):
    status, body = await api.post("/classes/Place", {"location": {"__type": "GeoPoint", "latitude": "north"}})
    assert (status, body) == (400, {"code": 111, "error": "This is not a valid GeoPoint"})


async def test_polygon_with_fewer_than_three_distinct_points_is_code_1_with_400(api):
    status, body = await api.post("/classes/Area", {"bounds": {"__type": "Polygon",
                                                               "coordinates": [[0, 0], [0, 0], [1, 1]]}})
    assert (status, body) == (400, {"code": 1, "error": "GeoJSON: Loop must have at least 3 different vertices"})


async def test_polygon_with_fewer_than_three_points_is_107(api):
    status, body = await api.post("/classes/Area", {"bounds": {"__type": "Polygon", "coordinates": [[0, 0], [1, 1]]}})
    assert (status, body) == (400, {"code": 107, "error": "Polygon must have at least 3 values"})


@pytest.mark.parametrize("constraint, message", [
    ({"$within": {"$box": [geo(0, 0)]}}, "malformatted $within arg"),
    ({"$within": {"$box": "x"}}, "malformatted $within arg"),
    ({"$geoWithin": {"$polygon": 1234}},
     "bad $geoWithin value; $polygon should be Polygon object or Array of Parse.GeoPoint's"),
    ({"$geoWithin": {"$polygon": []}}, "bad $geoWithin value; $polygon should contain at least 3 GeoPoints"),
    ({"$geoWithin": {"$polygon": [{}, {}, {}]}}, "bad $geoWithin value"),
    ({"$geoWithin": {"$polygon": {"__type": "Polygon", "coordinates": [[0, 0], [10, 0]]}}},
     "bad $geoWithin value; Polygon.coordinates should contain at least 3 lon/lat pairs"),
    ({"$geoWithin": {"$centerSphere": "x"}},
     "bad $geoWithin value; $centerSphere should be an array of Parse.GeoPoint and distance"),
    ({"$geoWithin": {"$centerSphere": [{"lat": 1}, 1]}}, "bad $geoWithin value; $centerSphere geo point invalid"),
    ({"$geoWithin": {"$centerSphere": [geo(0, 0), -1]}}, "bad $geoWithin value; $centerSphere distance invalid"),
    ({"$geoIntersects": {"$point": {"latitude": 1}}}, "bad $geoIntersect value; $point should be GeoPoint"),
])
async def test_bad_geo_argument_is_107(api, constraint, message):
    await seed_places(api)
    assert await query_error(api, "Place", {"location": constraint}) == (400, {"code": 107, "error": message})


@pytest.mark.parametrize("constraint", [
    {"$nearSphere": "here"},
    {"$nearSphere": geo(0, 0), "$maxDistance": "far"},
])
async def test_bad_near_sphere_argument_is_107(api, constraint):
    await seed_places(api)
    status, body = await query_error(api, "Place", {"location": constraint})
    assert (status, body["code"]) == (400, 107)


@pytest.mark.parametrize("polygon, message", [
    ([geo(0, 0), geo(91, 0), geo(0, 1)], "GeoPoint latitude out of bounds: 91 > 90.0."),
    ([geo(0, 0), geo(0, 181), geo(1, 0)], "GeoPoint longitude out of bounds: 181 > 180.0."),
])
async def test_out_of_range_point_in_a_geo_query_is_code_1_with_400(api, polygon, message):
    await seed_places(api)
    where = {"location": {"$geoWithin": {"$polygon": polygon}}}
    assert await query_error(api, "Place", where) == (400, {"code": 1, "error": message})


# ----- $text -----
SUBJECTS = ["coffee", "Coffee Shopping", "Baking a cake", "baking", "Café Con Leche", "coffee and cream",
            "Cafe con Leche"]


async def seed_subjects(api) -> None:
    requests = [{"method": "POST", "path": "/1/classes/Drink", "body": {"name": s, "subject": s}} for s in SUBJECTS]
    status, body = await api.post("/batch", {"requests": requests})
    assert status == 200 and all("success" in r for r in body), body


def text(term: str, **options: Any) -> dict[str, Any]:
    return {"subject": {"$text": {"$search": {"$term": term, **options}}}}


async def test_text_search_matches_words(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_TEXT)
    await seed_subjects(api)
    assert sorted(await names(api, "Drink", text("coffee"))) == ["Coffee Shopping", "coffee", "coffee and cream"]


async def test_text_search_stems_english_words(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_TEXT)
    await seed_subjects(api)
    assert sorted(await names(api, "Drink", text("bake"))) == ["Baking a cake", "baking"]


async def test_text_search_diacritic_sensitive(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_TEXT)
    await seed_subjects(api)
    assert sorted(await names(api, "Drink", text("CAFÉ"))) == ["Cafe con Leche", "Café Con Leche"]
    assert await names(api, "Drink", text("CAFÉ", **{"$diacriticSensitive": True})) == ["Café Con Leche"]


async def test_text_search_case_sensitive(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_TEXT)
    await seed_subjects(api)
    assert await names(api, "Drink", text("Coffee", **{"$caseSensitive": True})) == ["Coffee Shopping"]


async def test_text_score_orders_and_is_returned_with_keys(api, backend):
    needs_real_engine(backend, MOCK_HAS_NO_TEXT)
    await seed_subjects(api)
    status, body = await api.get("/classes/Drink", params={"where": text("coffee"), "order": "-$score",
                                                           "keys": "name,$score"})
    assert status == 200
    scores = [r["score"] for r in body["results"]]
    assert len(scores) == 3 and all(isinstance(s, (int, float)) and s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert body["results"][0]["name"] == "coffee"  # the shortest text holding the term scores highest


@pytest.mark.parametrize("search, message", [
    (True, "bad $text: $search, should be object"),
    ({}, "bad $text: $term, should be string"),
    ({"$term": 5}, "bad $text: $term, should be string"),
    ({"$term": "x", "$language": True}, "bad $text: $language, should be string"),
    ({"$term": "x", "$caseSensitive": "yes"}, "bad $text: $caseSensitive, should be boolean"),
    ({"$term": "x", "$diacriticSensitive": "yes"}, "bad $text: $diacriticSensitive, should be boolean"),
])
async def test_bad_text_search_is_107(api, search, message):
    await api.post("/classes/Drink", {"subject": "coffee"})
    where = {"subject": {"$text": {"$search": search}}}
    assert await query_error(api, "Drink", where) == (400, {"code": 107, "error": message})
