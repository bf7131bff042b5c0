"""parse_clone: a Parse-compatible Backend-as-a-Service in Python."""

__version__ = "0.1.0"
# The Parse Server version whose wire behaviour we follow (reported by /serverInfo).
PARSE_SERVER_VERSION = "9.10.0"
