"""_Installation rules: ids required, lowercased, de-duplicated by installationId and deviceToken."""

from __future__ import annotations

from typing import Any

from ...storage.base import FindOptions
from ..runtime.auth import Auth
from ...errors import ParseError
from ..runtime.server import Server


def _normalize_ids(body: dict[str, Any]) -> None:
    token = body.get("deviceToken")
    if isinstance(token, str) and len(token) == 64:
        body["deviceToken"] = token.lower()
    if isinstance(body.get("installationId"), str):
        body["installationId"] = body["installationId"].lower()


async def resolve_target(server: Server, auth: Auth, body: dict[str, Any], object_id: str | None) -> str | None:
    """The objectId this write must update (an existing installation), or None to create.

    Mutates `body` (ids lowercased, header installation id filled in) and deletes
    installations made stale by a moved deviceToken, as Parse Server does.
    """
    if object_id is None and not body.get("deviceToken") and not body.get("installationId") \
            and not auth.installation_id:
        raise ParseError(ParseError.MISSING_REQUIRED_FIELD,
                         "at least one ID field (deviceToken, installationId) must be specified in this operation")
    _normalize_ids(body)
    installation_id = body.get("installationId")
    if not installation_id and not auth.bypasses_permissions and auth.installation_id:
        installation_id = auth.installation_id.lower()
    if object_id is None and installation_id and not body.get("installationId"):
        body["installationId"] = installation_id
    token = body.get("deviceToken")
    if object_id is not None and not token and not installation_id and not body.get("deviceType"):
        return object_id
    ors: list[dict[str, Any]] = []
    if object_id:
        ors.append({"objectId": object_id})
    if installation_id:
        ors.append({"installationId": installation_id})
    if token:
        ors.append({"deviceToken": token})
    if not ors:
        return object_id
    schema = await server.schema.get("_Installation")
    rows = await server.storage.find("_Installation", schema, {"$or": ors}, FindOptions()) if schema else []
    by_id = next((r for r in rows if object_id and r["objectId"] == object_id), None)
    by_installation = next((r for r in rows if installation_id and r.get("installationId") == installation_id), None)
    by_token = [r for r in rows if token and r.get("deviceToken") == token]
    if object_id:
        if by_id is None:
            raise ParseError(ParseError.OBJECT_NOT_FOUND, "Object not found for update.")
        if body.get("installationId") and by_id.get("installationId") and \
                body["installationId"] != by_id["installationId"]:
            raise ParseError(ParseError.CHANGED_IMMUTABLE_FIELD, "installationId may not be changed in this operation")
        if token and by_id.get("deviceToken") and token != by_id["deviceToken"] and \
                not body.get("installationId") and not by_id.get("installationId"):
            raise ParseError(ParseError.CHANGED_IMMUTABLE_FIELD, "deviceToken may not be changed in this operation")
        if body.get("deviceType") and body["deviceType"] != by_id.get("deviceType"):
            raise ParseError(ParseError.CHANGED_IMMUTABLE_FIELD, "deviceType may not be changed in this operation")
    match = by_installation or by_id
    if object_id is None and not body.get("deviceType") and match is None:
        raise ParseError(ParseError.MISSING_REQUIRED_FIELD, "deviceType must be specified in this operation")
    if match is None:
        if not by_token:
            return object_id
        if len(by_token) == 1 and (not by_token[0].get("installationId") or not installation_id):
            return by_token[0]["objectId"]
        if not body.get("installationId"):
            raise ParseError(132, "Must specify installationId when deviceToken matches multiple Installation objects")
        stale: dict[str, Any] = {"deviceToken": token, "installationId": {"$ne": installation_id}}
        if body.get("appIdentifier"):
            stale["appIdentifier"] = body["appIdentifier"]
        await server.storage.delete_many("_Installation", schema, stale)
        return object_id
    if len(by_token) == 1 and not by_token[0].get("installationId"):
        await server.storage.delete_many("_Installation", schema, {"objectId": match["objectId"]})
        return by_token[0]["objectId"]
    if token and match.get("deviceToken") != token:
        stale = {"deviceToken": token}
        if body.get("installationId"):
            stale["installationId"] = {"$ne": body["installationId"]}
        else:
            return match["objectId"]
        if body.get("appIdentifier"):
            stale["appIdentifier"] = body["appIdentifier"]
        await server.storage.delete_many("_Installation", schema, stale)
    return match["objectId"]
