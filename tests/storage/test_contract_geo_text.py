"""Storage contract: geo constraints and $text search (not on mongomock, which lacks both)."""

from __future__ import annotations

import pytest

from parse_clone.storage.base import FindOptions

from .conftest import geo, ids, make_doc, make_schema, seed

PLACE = make_schema("Place", name="String", loc="GeoPoint")
PLACES = [make_doc("p1", name="p1", loc=geo(0, 0)), make_doc("p2", name="p2", loc=geo(0, 1)),
          make_doc("p3", name="p3", loc=geo(0, 10)), make_doc("p4", name="p4", loc=geo(45, 45)),
          make_doc("p5", name="p5")]
ARTICLE = make_schema("Article", body="String")
ARTICLES = [make_doc("a", body="The quick brown fox jumps"), make_doc("b", body="Baking bread at home"),
            make_doc("c", body="Lazy dogs sleep all day"), make_doc("d", body="fox fox fox")]


@pytest.fixture
async def places(adapter):
    await seed(adapter, PLACE, PLACES)

    async def q(where, **options):
        return ids(await adapter.find("Place", PLACE, where, FindOptions(**options)))

    return q


@pytest.fixture
async def articles(adapter):
    await seed(adapter, ARTICLE, ARTICLES)

    async def q(term, **options):
        where = {"body": {"$text": {"$search": {"$term": term}}}}
        return ids(await adapter.find("Article", ARTICLE, where, FindOptions(**options)))

    return q


@pytest.mark.not_on_mongomock("$nearSphere")
async def test_near_sphere_orders_by_distance(places):
    assert await places({"loc": {"$nearSphere": geo(0, 10)}}) == ["p3", "p2", "p1", "p4"]


@pytest.mark.not_on_mongomock("$nearSphere")
async def test_near_sphere_with_max_distance_in_radians(places):
    assert await places({"loc": {"$nearSphere": geo(0, 0), "$maxDistance": 0.1}}) == ["p1", "p2"]


@pytest.mark.not_on_mongomock("$nearSphere")
async def test_near_sphere_with_limit_keeps_the_nearest(places):
    assert await places({"loc": {"$nearSphere": geo(0, 0)}}, limit=2) == ["p1", "p2"]


@pytest.mark.not_on_mongomock("$nearSphere")
async def test_near_sphere_with_skip_and_limit(places):
    assert await places({"loc": {"$nearSphere": geo(0, 0)}}, skip=1, limit=2) == ["p2", "p3"]


@pytest.mark.not_on_mongomock("$nearSphere")
async def test_near_sphere_with_an_explicit_sort_uses_the_sort(places):
    assert await places({"loc": {"$nearSphere": geo(0, 0)}}, sort=[("name", -1)]) == ["p4", "p3", "p2", "p1"]


@pytest.mark.not_on_mongomock("$nearSphere")
async def test_count_with_near_sphere_and_max_distance(adapter, places):
    assert await adapter.count("Place", PLACE, {"loc": {"$nearSphere": geo(0, 0), "$maxDistance": 0.1}}) == 2


@pytest.mark.not_on_mongomock("$within")
async def test_within_box(places):
    got = await places({"loc": {"$within": {"$box": [geo(-1, -1), geo(2, 2)]}}})
    assert sorted(got) == ["p1", "p2"]


@pytest.mark.not_on_mongomock("$geoWithin")
async def test_geo_within_polygon(places):
    polygon = [geo(-1, -1), geo(-1, 2), geo(2, 2), geo(2, -1)]
    assert sorted(await places({"loc": {"$geoWithin": {"$polygon": polygon}}})) == ["p1", "p2"]


@pytest.mark.not_on_mongomock("$geoWithin")
async def test_geo_within_center_sphere(places):
    assert sorted(await places({"loc": {"$geoWithin": {"$centerSphere": [geo(0, 0), 0.1]}}})) == ["p1", "p2"]


@pytest.mark.not_on_mongomock("$geoIntersects")
async def test_geo_intersects_point_in_polygon(adapter):
    schema = make_schema("Zone", area="Polygon")
    await seed(adapter, schema, [
        make_doc("z1", area={"__type": "Polygon", "coordinates": [[0, 0], [0, 5], [5, 5], [5, 0]]}),
        make_doc("z2", area={"__type": "Polygon", "coordinates": [[10, 10], [10, 12], [12, 12], [12, 10]]}),
    ])
    docs = await adapter.find("Zone", schema, {"area": {"$geoIntersects": {"$point": geo(11, 11)}}}, FindOptions())
    assert ids(docs) == ["z2"]


@pytest.mark.not_on_mongomock("$text")
async def test_text_search_matches_a_word(articles):
    assert await articles("bread") == ["b"]


@pytest.mark.not_on_mongomock("$text")
async def test_text_search_matches_any_term(articles):
    assert sorted(await articles("fox dogs")) == ["a", "c", "d"]


@pytest.mark.not_on_mongomock("$text")
async def test_text_search_ignores_case(articles):
    assert sorted(await articles("FOX")) == ["a", "d"]


@pytest.mark.not_on_mongomock("$text")
async def test_text_search_stems_english_words(articles):
    assert await articles("bakes") == ["b"]


@pytest.mark.not_on_mongomock("$text")
async def test_sort_by_score_puts_the_best_match_first(articles):
    assert await articles("fox", sort=[("$score", -1)]) == ["d", "a"]
