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
    return drf_exception_handler(exc, context)
