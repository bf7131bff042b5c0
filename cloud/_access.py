"""Who is calling: staff, a given technician's user; and the errors the rules answer with."""

from parse_clone.cloud import ParseError

from ._model import STAFF


def is_staff(req):
    """The master key, a dispatcher or a manager."""
    return req.master or any(role in STAFF for role in req.roles)


def is_dispatcher(req):
    """The master key or a dispatcher."""
    return req.master or "dispatcher" in req.roles


def object_id(value):
    """The objectId of a pointer value or CloudObject (None for None)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get("objectId")
    return value.id


def is_users_technician(req, technician):
    """Is `technician` (a Technician object) the caller's own record?"""
    return req.user is not None and technician is not None and object_id(technician.get("user")) == req.user.id


def changed_keys(obj, original):
    """Fields whose value the save changes (a key sent with its stored value is not a change)."""
    if original is None:
        return set(obj.dirty_keys())
    return {key for key in obj.dirty_keys() if obj.get(key) != original.get(key)}


def forbidden(message):
    """119: the caller may not do this."""
    return ParseError(ParseError.OPERATION_FORBIDDEN, message)


def invalid(message):
    """142: the data breaks a rule of the model."""
    return ParseError(ParseError.VALIDATION_ERROR, message)
