"""protectedFields: the fields a requester may not see are the intersection of the sets that apply."""

from __future__ import annotations

import pytest

from parse_clone.core.permissions.protected import protected_fields_for
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
