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
                  "setting", "setting_display", "parking_spaces", "public_transport", "owner", "exits"]
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
    usable_area_m2 = serializers.IntegerField(min_value=1, max_value=100_000_000)
    setting = serializers.ChoiceField(choices=Venue.Setting.choices)
    parking_spaces = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    public_transport = serializers.BooleanField(default=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-90"),
                                        max_value=Decimal("90"), required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-180"),
                                         max_value=Decimal("180"), required=False, allow_null=True, default=None)
    exits = VenueExitInputSerializer(many=True, allow_empty=False, max_length=MAX_VENUE_EXITS, error_messages={
        "max_length": _("一个场所最多登记 {max_length} 个出口。")})
