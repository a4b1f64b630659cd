"""Read-only open data on associations, and who the caller is."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Association, Membership
from .permissions import is_coordinator


class AssociationSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Association
        fields = ["id", "name", "slug", "description", "website", "url"]


class AssociationList(generics.ListAPIView):
    """Approved associations only: pending and rejected ones are not public."""

    queryset = Association.objects.filter(status=Association.Status.APPROVED).order_by("id")
    serializer_class = AssociationSerializer


class MeMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """Documents the answer of /api/v1/me for the schema; the view builds it by hand."""

    username = serializers.CharField()
    email = serializers.EmailField()
    is_coordinator = serializers.BooleanField()
    associations = MeMembershipSerializer(many=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        memberships = (
            Membership.objects.filter(user=user, association__status=Association.Status.APPROVED)
            .select_related("association")
            .order_by("association__name")
        )
        associations = [
            {"id": m.association_id, "name": m.association.name, "role": m.role} for m in memberships
        ]
        coordinator = is_coordinator(user)
        if coordinator:
            # CONTRACT.md: "the associations they may book for", and coordinators book for any.
            own = {a["id"] for a in associations}
            others = Association.objects.filter(status=Association.Status.APPROVED).exclude(pk__in=own)
            associations += [{"id": a.pk, "name": a.name, "role": "coordinator"} for a in others]
            associations.sort(key=lambda a: a["name"])
        return Response(
            {
                "username": user.get_username(),
                "email": user.email,
                "is_coordinator": coordinator,
                "associations": associations,
            }
        )
