"""Python cloud code: hooks, functions, jobs and validators (see docs/cloud-code.md).

    from parse_clone.cloud import Cloud, Field, ParseError

    cloud = Cloud()

    @cloud.before_save("Job", require_user=True, fields={"title": Field(type=str, required=True)})
    async def default_status(req):
        if req.object.is_new:
            req.object["status"] = "open"

This package depends only on core value types (Auth-free requests, ParseError); the core
layer calls into the registry (core/hooks/triggers.py) and provides the data source behind `req.db`.
"""

from ..errors import ParseError
from .data import Database, DataSource
from .errors import CloudLoadError, CloudRegistrationError
from .loader import load_cloud_code
from .objects import CloudObject, GeoPoint, parse_date, pointer
from .query import Query
from .registry import Cloud
from .requests import (
    AfterFindRequest,
    FileRequest,
    FindRequest,
    FunctionRequest,
    JobRequest,
    Request,
    TriggerRequest,
)
from .validators import Field, RateLimit, Validator

__all__ = [
    "AfterFindRequest", "Cloud", "CloudLoadError", "CloudObject", "CloudRegistrationError", "Database",
    "DataSource", "Field", "FileRequest", "FindRequest", "FunctionRequest", "GeoPoint", "JobRequest",
    "ParseError", "Query", "RateLimit", "Request", "TriggerRequest", "Validator", "load_cloud_code",
    "parse_date", "pointer",
]
