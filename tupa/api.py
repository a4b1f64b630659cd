"""API plumbing shared by every app: error shape and pagination."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # The contract promises {"detail": ...} or {"field": [...]} and never a 500 for bad input.
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            body = dict(exc.message_dict)
            if "detail" in body:  # the contract's {"detail": "..."} is a plain string
                body["detail"] = " ".join(body["detail"])
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = flat_errors(response.data)
    return response


def _join(path: str, key: str) -> str:
    if key == "non_field_errors":
        return path
    if key.isascii() and key.isdigit():  # DRF keys a list's items by their index
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _messages(value, path: str = "") -> list[str]:
    # "[0].start: Give a time as HH:MM" for the first wish's start, and so on down.
    if isinstance(value, dict):
        return [m for key, inner in value.items() for m in _messages(inner, _join(path, str(key)))]
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return [f"{path}: {v}" if path else str(v) for v in value]
        return [m for i, inner in enumerate(value) for m in _messages(inner, f"{path}[{i}]")]
    return [f"{path}: {value}" if path else str(value)]


def flat_errors(data):
    """A serializer's errors in the contract's shape: {"detail": "..."} or {"field": ["...", ...]}.

    Nested serializers (a season application's wishes) give {"wishes": {"0": {"start": [...]}}}
    or a list of dicts; a client reading {"field": [messages]} gets the inner messages with
    where they came from instead.
    """
    if isinstance(data, list):
        return {"detail": " ".join(_messages(data))}
    if not isinstance(data, dict):
        return data
    flat = {}
    for field, value in data.items():
        if field == "detail" and not isinstance(value, dict | list):
            flat[field] = value
        elif isinstance(value, dict):
            flat[field] = _messages(value)
        else:
            flat[field] = _messages(value)
    return flat


# Answers every operation can give besides its own: bad input, no permission, not found
# (also an unknown page of a list). The bodies follow the contract's error shape.
COMMON_ERRORS = {
    "400": 'Invalid input: {"detail": "..."} or {"field": ["message", ...]}',
    "401": "No or an invalid token where one is needed",
    "403": "Not allowed for this user",
    "404": "No such object, or no such page of a list",
    "429": "Too many writes with this token: wait the Retry-After seconds",
    "503": "The database is unreachable just now: try again after Retry-After seconds",
}


def document_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: list the common error answers on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "description": '{"detail": "..."}, or messages per field',
            "additionalProperties": True,
        },
    )
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in COMMON_ERRORS.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
