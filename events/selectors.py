"""Reads of organisations and venues, already filtered to what the user may see."""
from django.db.models import Q, QuerySet

from .models import Organisation, Venue


def _is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def venues_visible_to(user) -> QuerySet[Venue]:
    """An organizer sees its organisation's venues; police see the venues in their bureau's area."""
    queryset = Venue.objects.select_related("district").prefetch_related("exits").order_by("name", "id")
    if not _is_active_user(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.organisation_id is not None:
        return queryset.filter(owner_id=user.organisation_id)
    if user.authority_id is not None and user.is_police:
        # A city bureau sees its districts' venues; a district only its own.
        return queryset.filter(Q(district_id=user.authority_id) | Q(district__parent_id=user.authority_id))
    return queryset.none()


def venues_usable_by(user) -> QuerySet[Venue]:
    """Venues an organizer may name in an application: its own, or ones registered without an owner."""
    if not _is_active_user(user) or user.organisation_id is None:
        return Venue.objects.none()
    return Venue.objects.filter(Q(owner_id=user.organisation_id) | Q(owner__isnull=True))


def own_organisation(user) -> QuerySet[Organisation]:
    """The user's own organisation (empty for police and culture-tourism staff)."""
    if not _is_active_user(user) or user.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=user.organisation_id)
