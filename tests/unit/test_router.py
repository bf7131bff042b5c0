"""Router.match: the first registered route that matches wins, whatever its first path segment."""

from __future__ import annotations

from parse_clone.http.router import Reply, Router


async def _handler(server, preq) -> Reply:
    return Reply()


def _router(*routes: tuple[str, str]) -> Router:
    router = Router()
    for method, path in routes:
        router.add(method, path, _handler)
    return router


def _matched(router: Router, method: str, path: str) -> tuple[str, dict[str, str]] | None:
    found = router.match(method, path)
    return None if found is None else (found[0].pattern.pattern, found[1])


def test_a_parameter_first_segment_still_wins_when_registered_first() -> None:
    router = _router(("GET", "/:endpoint/:id"), ("GET", "/classes/:className"))
    assert _matched(router, "GET", "/classes/Job") == ("^/(?P<endpoint>[^/]+)/(?P<id>[^/]+)/?$",
                                                       {"endpoint": "classes", "id": "Job"})


def test_a_plain_first_segment_wins_when_registered_first() -> None:
    router = _router(("GET", "/classes/:className"), ("GET", "/:endpoint/:id"))
    assert _matched(router, "GET", "/classes/Job") == ("^/classes/(?P<className>[^/]+)/?$", {"className": "Job"})
    assert _matched(router, "GET", "/users/u1") == ("^/(?P<endpoint>[^/]+)/(?P<id>[^/]+)/?$",
                                                    {"endpoint": "users", "id": "u1"})


def test_only_the_requested_method_matches() -> None:
    router = _router(("GET", "/classes/:className"), ("POST", "/classes/:className"))
    assert router.match("PUT", "/classes/Job") is None
    assert router.match("POST", "/classes/Job")[0].method == "POST"


def test_a_route_added_after_a_lookup_is_found() -> None:
    router = _router(("GET", "/health"))
    assert router.match("GET", "/login") is None
    router.add("GET", "/login", _handler)
    assert _matched(router, "GET", "/login/") == ("^/login/?$", {})


def test_a_longer_first_segment_is_another_path() -> None:
    router = _router(("GET", "/classes/:className"))
    assert router.match("GET", "/classesX/Job") is None
    assert router.match("GET", "/") is None


def test_path_parameters_are_percent_decoded() -> None:
    router = _router(("PUT", "/classes/:className/:objectId"))
    assert router.match("PUT", "/classes/My%20Job/a%2Fb")[1] == {"className": "My Job", "objectId": "a/b"}
