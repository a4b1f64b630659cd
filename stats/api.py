"""GET /api/v1/stats/usage: the contract's usage figures as open data."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from .forms import UsagePeriodForm
from .selectors import usage
from .serializers import UsageSerializer


@extend_schema(
    parameters=[
        OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="local date, included"),
        OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="local date, included"),
        OpenApiParameter("venue", int, required=False, description="only this venue's rooms"),
        OpenApiParameter(
            "municipality", int, required=False, description="only the rooms of this municipality's venues"
        ),
    ],
    responses={200: UsageSerializer, 400: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def usage_view(request: Request) -> Response:
    form = UsagePeriodForm(request.query_params)
    if not form.is_valid():
        return Response({field: list(errors) for field, errors in form.errors.items()}, status=400)
    data = form.cleaned_data
    figures = usage(
        start=data["start"], end=data["end"], venue=data["venue"], municipality=data["municipality"]
    )
    return Response(figures.as_contract())
