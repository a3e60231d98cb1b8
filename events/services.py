"""Writes on events' own things: venues and their exits."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organisation, Venue, VenueExit
from .validators import MAX_VENUE_EXITS


@transaction.atomic
def venue_create(*, organisation: Organisation, name: str, address: str, district, setting: str, exits: list[dict],
                 usable_area_m2: int | None = None, parking_spaces: int = 0, public_transport: bool = False,
                 latitude=None, longitude=None, kind: str = Venue.Kind.AREA, route_length_km=None,
                 route_width_m=None, start_area_m2=None, finish_area_m2=None) -> Venue:
    """A venue with its exits. A route (kind "route") gives its length, width, start and finish areas instead of
    a usable area, and its exits are the finish area's."""
    if not exits:
        raise ValidationError({"exits": _("至少填写一个出口及其宽度。")})
    if len(exits) > MAX_VENUE_EXITS:
        raise ValidationError({"exits": _("一个场所最多登记 %(num)d 个出口。") % {"num": MAX_VENUE_EXITS}})
    venue = Venue(owner=organisation, name=name, address=address, district=district, usable_area_m2=usable_area_m2,
                  setting=setting, parking_spaces=parking_spaces, public_transport=public_transport,
                  latitude=latitude, longitude=longitude, kind=kind, route_length_km=route_length_km,
                  route_width_m=route_width_m, start_area_m2=start_area_m2, finish_area_m2=finish_area_m2)
    venue.full_clean()
    venue.save()
    for exit_data in exits:
        venue_exit = VenueExit(venue=venue, **exit_data)
        venue_exit.full_clean()
        venue_exit.save()
    return venue
