"""MongoDB storage in Parse Server's exact layout (see PARSE_PROTOCOL.md, MongoDB layout)."""

from .adapter import MongoAdapter

__all__ = ["MongoAdapter"]
