"""new_object_id: Parse's alphanumeric objectIds of the configured size."""

from __future__ import annotations

import string

from parse_clone.language.values import new_object_id

ALPHANUMERIC = set(string.ascii_letters + string.digits)


def test_an_object_id_has_ten_alphanumeric_characters_by_default() -> None:
    object_id = new_object_id()
    assert len(object_id) == 10 and set(object_id) <= ALPHANUMERIC


def test_an_object_id_takes_the_configured_size() -> None:
    assert [len(new_object_id(n)) for n in (1, 10, 32, 100)] == [1, 10, 32, 100]


def test_every_alphanumeric_character_turns_up() -> None:
    seen = set("".join(new_object_id(50) for _ in range(200)))
    assert seen == ALPHANUMERIC


def test_object_ids_do_not_repeat() -> None:
    assert len({new_object_id() for _ in range(5000)}) == 5000
