"""A query on one class that reaches another (include, $inQuery): whose permission a denial names.

Parse Server checks each class where its query runs: sub-queries of the where ($inQuery, $select)
run before the queried class's own check, includes after it. The message names the class whose
class-level permission refused (SchemaController.validatePermission), with the action it refused.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.users import pointer, sign_up
from tests.api.test_clp import denied, set_clp

OPEN = {"find": {"*": True}, "get": {"*": True}, "count": {"*": True}, "create": {"*": True}}
CLOSED = {"find": {}, "get": {}, "count": {}, "create": {"*": True}}


async def linked_jobs(api, technicians: int = 1) -> dict[str, Any]:
    """Jobs pointing at `technicians` Technicians; a user's session (the classes' CLPs are left open)."""
    await set_clp(api, OPEN, cls="Technician", fields={"name": {"type": "String"}})
    await set_clp(api, OPEN, cls="Job", fields={"technician": {"type": "Pointer", "targetClass": "Technician"}})
    for n in range(technicians):
        status, tech = await api.post("/classes/Technician", {"name": f"t{n}"}, master=True)
        assert status == 201, tech
        status, job = await api.post("/classes/Job", {"technician": pointer("Technician", tech["objectId"])},
                                     master=True)
        assert status == 201, job
    return await sign_up(api, "ursula")


INQUERY = {"where": {"technician": {"$inQuery": {"className": "Technician", "where": {}}}}}
INCLUDE = {"include": "technician"}


@pytest.mark.parametrize(("technicians", "closed", "params", "refusal"), [
    pytest.param(1, ["Technician"], INCLUDE, ("get", "Technician"), id="an-include-of-one-pointer-names-get"),
    pytest.param(2, ["Technician"], INCLUDE, ("find", "Technician"), id="an-include-of-several-names-find"),
    pytest.param(1, ["Technician"], INQUERY, ("find", "Technician"), id="an-inquery-names-its-class"),
    pytest.param(1, ["Technician", "Job"], INCLUDE, ("find", "Job"), id="the-queried-class-before-its-includes"),
    # As in Parse Server: RestQuery.buildRestWhere runs $inQuery before the find's own check.
    pytest.param(1, ["Technician", "Job"], INQUERY, ("find", "Technician"), id="sub-queries-before-the-queried-class"),
])
async def test_a_refusal_names_the_class_whose_permission_refused(api, technicians, closed, params, refusal):
    user = await linked_jobs(api, technicians)
    for cls in closed:
        await set_clp(api, CLOSED, cls=cls)
    status, body = await api.get("/classes/Job", params=params, session=user["sessionToken"])
    assert (status, body) == (400, denied(*refusal))
