"""pages.encodePageParamHeaders: the x-parse-page-param-* headers as Parse Server composes them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from parse_clone.http.routes.pages import PagesRouter
from tests.conftest import make_config

PARAMS = {"username": "ann o'neil & co", "appName": "Säge\x07 App", "error": None, "locale": "日本"}


def _headers(**pages) -> dict[str, str]:
    return PagesRouter(SimpleNamespace(config=make_config(pages=pages))).param_headers(PARAMS)


def test_as_they_are_by_default() -> None:
    assert _headers() == {"x-parse-page-param-username": "ann o'neil & co",
                          "x-parse-page-param-appname": "Säge App",  # control characters stripped
                          "x-parse-page-param-locale": "%E6%97%A5%E6%9C%AC"}  # beyond Latin-1: encoded anyway


@pytest.mark.parametrize("flag", [True])
def test_uri_encoded_with_the_option(flag) -> None:
    assert _headers(encodePageParamHeaders=flag) == {
        "x-parse-page-param-username": "ann%20o'neil%20%26%20co",  # encodeURIComponent keeps ' ( ) ! ~ *
        "x-parse-page-param-appname": "S%C3%A4ge%07%20App",
        "x-parse-page-param-locale": "%E6%97%A5%E6%9C%AC"}
