"""DRF endpoints of events: the organisation's venues (list, read, create with exits)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .services import venue_create

from .models import Venue
from .selectors import venues_visible_to
from .serializers import VenueInputSerializer, VenueOutputSerializer


@extend_schema_view(
    list=extend_schema(summary="场所列表（本单位登记的场所）", responses=VenueOutputSerializer(many=True)),
    retrieve=extend_schema(summary="场所详情", responses=VenueOutputSerializer),
    create=extend_schema(summary="登记场所及其出口", request=VenueInputSerializer,
                         responses={201: VenueOutputSerializer}),
)
class VenueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Venue.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = VenueOutputSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return venues_visible_to(self.request.user)

    def create(self, request):
        organisation = request.user.organisation
        if organisation is None or not request.user.is_organizer:
            raise PermissionDenied(_("只有主办/承办单位的用户可以登记场所。"))
        data = VenueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        venue = venue_create(organisation=organisation, **data.validated_data)
        venue = self.get_queryset().get(pk=venue.pk)
        return Response(VenueOutputSerializer(venue).data, status=status.HTTP_201_CREATED)
