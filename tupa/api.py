"""API plumbing shared by every app: error shape and pagination."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deep for Python's json a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None


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
    return drf_exception_handler(exc, context)


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
