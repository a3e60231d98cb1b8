"""Writes on events' own things: venues and their exits."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organisation, Venue, VenueExit
from .validators import MAX_VENUE_EXITS


@transaction.atomic
def venue_create(*, organisation: Organisation, name: str, address: str, district, usable_area_m2: int,
                 setting: str, exits: list[dict], parking_spaces: int = 0, public_transport: bool = False,
                 latitude=None, longitude=None) -> Venue:
    if not exits:
        raise ValidationError({"exits": _("至少填写一个出口及其宽度。")})
    if len(exits) > MAX_VENUE_EXITS:
        raise ValidationError({"exits": _("一个场所最多登记 %(num)d 个出口。") % {"num": MAX_VENUE_EXITS}})
    venue = Venue(owner=organisation, name=name, address=address, district=district, usable_area_m2=usable_area_m2,
                  setting=setting, parking_spaces=parking_spaces, public_transport=public_transport,
                  latitude=latitude, longitude=longitude)
    venue.full_clean()
    venue.save()
    for exit_data in exits:
        venue_exit = VenueExit(venue=venue, **exit_data)
        venue_exit.full_clean()
        venue_exit.save()
    return venue
