"""protectedFields: the fields a requester may not see are the intersection of the sets that apply."""

from __future__ import annotations

import pytest

from parse_clone.core.permissions.protected import hide_protected_in_results, protected_fields_for
from parse_clone.core.runtime.auth import Auth

USER = Auth(user={"objectId": "u1"}, roles=["role:Staff"])


@pytest.mark.parametrize("protected, auth, hidden", [
    ({"*": []}, Auth(), None),
    ({"*": []}, USER, None),
    ({"*": [], "authenticated": ["email"]}, USER, None),  # "*" applies to everyone: nothing is left
    ({"*": [], "role:Staff": ["email"]}, USER, None),
    ({"*": ["email", "phone"]}, Auth(), {"email", "phone"}),
    ({"*": ["email", "phone"], "authenticated": ["phone"]}, USER, {"phone"}),
    ({"authenticated": ["phone"]}, Auth(), None),
    ({"authenticated": ["phone"]}, USER, {"phone"}),
    ({"role:Staff": ["email"], "u1": ["email", "phone"]}, USER, {"email"}),
], ids=repr)
def test_the_sets_that_apply_intersect(protected, auth, hidden):
    assert protected_fields_for({"protectedFields": protected}, auth, "Job") == hidden


def test_the_master_key_sees_everything():
    assert protected_fields_for({"protectedFields": {"*": ["email"]}}, Auth.master(), "Job") is None


@pytest.mark.parametrize("class_name, protected, shown", [
    ("Job", {"*": []}, {"objectId", "email", "owner"}),
    ("_User", {"*": [], "authenticated": ["email"]}, {"objectId", "email", "owner"}),
    ("Job", {"*": [], "userField:owner": ["email"]}, {"objectId", "email", "owner"}),
    ("Job", {"*": ["email"]}, {"objectId", "owner"}),
    ("Job", {"*": ["email"], "userField:owner": []}, {"objectId", "email", "owner"}),  # the user's own object
    ("_User", {"*": ["email"]}, {"objectId", "owner"}),
])
def test_results_lose_the_fields_hidden_from_the_requester(class_name, protected, shown):
    results = [{"objectId": "o1", "email": "a@example.com", "owner": {"__type": "Pointer", "className": "_User",
                                                                      "objectId": "u1"}}]
    hide_protected_in_results(results, {"protectedFields": protected}, USER, class_name)
    assert set(results[0]) == shown
