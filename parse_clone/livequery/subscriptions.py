"""Subscriptions: compiled queries shared by every client that asked the same thing.

A `Subscription` is one (className, where) pair with its compiled predicate; each client
request on it is a `SubscriptionInfo` (requestId, keys, watch, session token). Events are
matched once per Subscription, then checked per SubscriptionInfo for permissions.

Objects arrive in REST form (Parse Server's pub/sub message); `matchable` turns one into the
stored form the core matcher evaluates (ACL back to `_rperm`/`_wperm`, File urls dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import orjson

from ..errors import ParseError
from ..language.matcher import compile_where
from ..language.where import SUBQUERY_OPS, normalize_where, validate_where



class Subscriber(Protocol):
    """The side of a client a subscription needs (client.Client is one)."""

    id: Any

# Constraints LiveQuery cannot evaluate in memory; Parse Server's LiveQuery never matches them.
_NEVER_MATCHING_OPS = frozenset((*SUBQUERY_OPS, "$text"))
_NEVER = {"$nor": [{}]}


def _without_unsupported(where: dict[str, Any]) -> dict[str, Any]:
    """The where with every conjunction that holds a never-matching constraint replaced by "never"."""
    out: dict[str, Any] = {}
    for key, value in where.items():
        if key == "$relatedTo":
            return dict(_NEVER)
        if key in ("$or", "$and", "$nor") and isinstance(value, list):
            out[key] = [_without_unsupported(w) if isinstance(w, dict) else w for w in value]
        elif isinstance(value, dict) and "__type" not in value and _NEVER_MATCHING_OPS & value.keys():
            return dict(_NEVER)
        else:
            out[key] = value
    return out


def check_live_query(where: dict[str, Any], is_master: bool) -> None:
    """Parse's structural checks on a client's where (ParseError 102/105 and the like)."""
    validate_where(where, is_master)


def compile_live_query(where: dict[str, Any], fields: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """A predicate on stored-form objects for a checked where; ParseError when a value is invalid."""
    return compile_where(normalize_where(_without_unsupported(where), fields))


def query_hash(class_name: str, where: dict[str, Any]) -> str:
    """Equal for equal queries whatever their key order."""
    return class_name + ":" + orjson.dumps(where, option=orjson.OPT_SORT_KEYS).decode()


def clp_operation(where: dict[str, Any]) -> str:
    """`get` for a where that is only an objectId, else `find` (which CLP entry applies)."""
    return "get" if len(where) == 1 and isinstance(where.get("objectId"), str) else "find"


def matchable(obj: dict[str, Any]) -> dict[str, Any]:
    """A REST-form object (as published) in the stored form the matcher reads."""
    doc: dict[str, Any] = {}
    for key, value in obj.items():
        if key in ("__type", "className", "ACL"):
            continue
        if value.__class__ is dict:
            kind = value.get("__type")
            if kind == "Relation":
                continue
            if kind == "File":
                value = {"__type": "File", "name": value.get("name")}
            elif kind == "Date" and key in ("createdAt", "updatedAt"):
                value = value.get("iso")
        doc[key] = value
    acl = obj.get("ACL")
    if isinstance(acl, dict):
        doc["_rperm"] = [e for e, p in acl.items() if isinstance(p, dict) and p.get("read") is True]
        doc["_wperm"] = [e for e, p in acl.items() if isinstance(p, dict) and p.get("write") is True]
    return doc


@dataclass(eq=False)
class SubscriptionInfo:
    """One client request on a subscription."""

    client: Subscriber
    request_id: Any
    subscription: "Subscription"
    keys: list[str] | None = None
    watch: list[str] | None = None
    session_token: str | None = None


@dataclass(eq=False)
class Subscription:
    """A compiled query and the client requests sharing it."""

    class_name: str
    hash: str
    where: dict[str, Any]
    predicate: Callable[[dict[str, Any]], bool]
    operation: str  # the CLP operation: get or find
    infos: dict[tuple[str, Any], SubscriptionInfo] = field(default_factory=dict)

    def matches(self, doc: dict[str, Any] | None) -> bool:
        """Does the stored-form object match? (an object the matcher cannot evaluate does not)"""
        if doc is None:
            return False
        try:
            return self.predicate(doc)
        except (ParseError, TypeError, ValueError):
            return False


class SubscriptionIndex:
    """className -> query hash -> Subscription, for one LiveQuery server."""

    def __init__(self) -> None:
        self._by_class: dict[str, dict[str, Subscription]] = {}

    def for_class(self, class_name: str) -> list[Subscription]:
        """The subscriptions on a class (a snapshot: safe while clients come and go)."""
        found = self._by_class.get(class_name)
        return list(found.values()) if found else []

    def get_or_add(self, class_name: str, where: dict[str, Any],
                   compile_: Callable[[], Callable[[dict[str, Any]], bool]]) -> Subscription:
        """The subscription for this query, compiling it on first use."""
        key = query_hash(class_name, where)
        by_hash = self._by_class.get(class_name)
        if by_hash is not None and key in by_hash:
            return by_hash[key]
        predicate = compile_()
        subscription = Subscription(class_name, key, where, predicate, clp_operation(where))
        self._by_class.setdefault(class_name, {})[key] = subscription
        return subscription

    def attach(self, info: SubscriptionInfo) -> None:
        """Add a client request to its subscription."""
        info.subscription.infos[(info.client.id, info.request_id)] = info

    def detach(self, info: SubscriptionInfo) -> None:
        """Remove a client request; forget the subscription (and class) once nobody uses it."""
        subscription = info.subscription
        subscription.infos.pop((info.client.id, info.request_id), None)
        if subscription.infos:
            return
        by_hash = self._by_class.get(subscription.class_name)
        if by_hash is not None and by_hash.get(subscription.hash) is subscription:
            del by_hash[subscription.hash]
            if not by_hash:
                del self._by_class[subscription.class_name]

    @property
    def count(self) -> int:
        """Distinct subscriptions (queries) held."""
        return sum(len(v) for v in self._by_class.values())
