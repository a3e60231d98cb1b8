"""Input and output serializers of the events API (venues, organisations). Input never doubles as output."""
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Authority, Organisation, Venue, VenueExit
from .validators import MAX_VENUE_EXITS, validate_single_line

# ---------------------------------------------------------------------------------------------- output


class OrganisationOutputSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "kind_display", "credit_code", "contact_person", "contact_phone",
                  "address"]
        read_only_fields = fields


class VenueExitOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = VenueExit
        fields = ["id", "name", "width_m", "kind"]
        read_only_fields = fields


class VenueOutputSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    setting_display = serializers.CharField(source="get_setting_display", read_only=True)
    exits = VenueExitOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "name", "address", "district", "district_name", "latitude", "longitude", "usable_area_m2",
                  "setting", "setting_display", "parking_spaces", "public_transport", "owner", "exits",
                  "kind", "route_length_km", "route_width_m", "start_area_m2", "finish_area_m2"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------- input


class VenueExitInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, validators=[validate_single_line])
    width_m = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.5"),
                                       max_value=Decimal("200"))
    kind = serializers.ChoiceField(choices=VenueExit.Kind.choices, default=VenueExit.Kind.LEVEL)


class VenueInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, validators=[validate_single_line])
    address = serializers.CharField(max_length=300, validators=[validate_single_line])
    district = serializers.PrimaryKeyRelatedField(
        queryset=Authority.objects.filter(kind=Authority.Kind.POLICE, level=Authority.Level.DISTRICT))
    kind = serializers.ChoiceField(choices=Venue.Kind.choices, default=Venue.Kind.AREA,
                                   help_text="area: 区域型（按可用面积）; route: 线路型赛道（按长度、宽度、起终点区）")
    usable_area_m2 = serializers.IntegerField(min_value=1, max_value=100_000_000, required=False, allow_null=True,
                                              default=None, help_text="区域型必填；线路型由赛道计算")
    setting = serializers.ChoiceField(choices=Venue.Setting.choices)
    route_length_km = serializers.DecimalField(max_digits=7, decimal_places=3, min_value=Decimal("0.1"),
                                               max_value=Decimal("1000"), required=False, allow_null=True, default=None)
    route_width_m = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("1"),
                                             max_value=Decimal("200"), required=False, allow_null=True, default=None)
    start_area_m2 = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True,
                                             default=None)
    finish_area_m2 = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True,
                                              default=None)
    parking_spaces = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    public_transport = serializers.BooleanField(default=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-90"),
                                        max_value=Decimal("90"), required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-180"),
                                         max_value=Decimal("180"), required=False, allow_null=True, default=None)
    exits = VenueExitInputSerializer(many=True, allow_empty=False, max_length=MAX_VENUE_EXITS, error_messages={
        "max_length": _("一个场所最多登记 {max_length} 个出口。")})
