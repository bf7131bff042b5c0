"""Parse's scalars: Any, Object, Date, Bytes, File and Upload (serialize, parse_value, parse_literal)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from graphql import GraphQLError, GraphQLScalarType, ValueNode, value_from_ast_untyped

from .uploads import UploadedFile


def _invalid(value: Any, type_name: str) -> GraphQLError:
    return GraphQLError(f"{value} is not a valid {type_name}")


def _literal(value_node: ValueNode, variables: Any = None) -> Any:
    return value_from_ast_untyped(value_node, variables)


def _iso(value: Any) -> str:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _invalid(value, "Date") from None
        return value
    raise _invalid(value, "Date")


def _object(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    raise _invalid(value, "Object")


def _date_in(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"__type": "Date", "iso": _iso(value)}
    if isinstance(value, dict) and value.get("__type") == "Date" and value.get("iso"):
        return {"__type": "Date", "iso": _iso(value["iso"])}
    raise _invalid(value, "Date")


def _date_out(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("__type") == "Date" and value.get("iso"):
        return value["iso"]
    raise _invalid(value, "Date")


def _bytes_in(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"__type": "Bytes", "base64": value}
    if isinstance(value, dict) and value.get("__type") == "Bytes" and isinstance(value.get("base64"), str):
        return {"__type": "Bytes", "base64": value["base64"]}
    raise _invalid(value, "Bytes")


def _bytes_out(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("base64"), str):
        return value["base64"]
    raise _invalid(value, "Bytes")


def _file_in(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"__type": "File", "name": value}
    if isinstance(value, dict) and value.get("__type") == "File" and isinstance(value.get("name"), str):
        return value
    raise _invalid(value, "File")


def _file_out(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    raise _invalid(value, "File")


def _upload_in(value: Any) -> UploadedFile:
    if isinstance(value, UploadedFile):
        return value
    raise GraphQLError("Upload value invalid: send the file as a multipart request part.")


def _upload_literal(value_node: ValueNode, variables: Any = None) -> Any:
    raise GraphQLError("Upload literal unsupported: send the file as a variable in a multipart request.")


def _with_literal(parse: Callable[[Any], Any]) -> Callable[..., Any]:
    return lambda node, variables=None: parse(_literal(node, variables))


SCALARS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[..., Any]]] = {
    # name: (serialize, parse_value, parse_literal)
    "Any": (lambda v: v, lambda v: v, _literal),
    "Object": (_object, _object, _with_literal(_object)),
    "Date": (_date_out, _date_in, _with_literal(_date_in)),
    "Bytes": (_bytes_out, _bytes_in, _with_literal(_bytes_in)),
    "File": (_file_out, _file_in, _with_literal(_file_in)),
    "Upload": (lambda v: None, _upload_in, _upload_literal),
}


def bind_scalars(type_map: dict[str, Any]) -> None:
    """Give the SDL-declared scalars their behaviour."""
    for name, (serialize, parse_value, parse_literal) in SCALARS.items():
        scalar = type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        # graphql-core 3.2 reads serialize/parse_value; 3.3 reads the coerce_* names it derives from them
        scalar.serialize = scalar.coerce_output_value = serialize  # type: ignore[method-assign,attr-defined]
        scalar.parse_value = scalar.coerce_input_value = parse_value  # type: ignore[method-assign,attr-defined]
        scalar.parse_literal = parse_literal  # type: ignore[method-assign]
        scalar.coerce_input_literal = None  # type: ignore[attr-defined]
