"""Factories for risk tests: pure facts with sensible defaults, and applications filled in for scoring."""
from datetime import datetime, timedelta

from django.utils import timezone

from riskassess.facts import (
    EventFacts, ExitFacts, OrganiserRecord, PerformerFacts, SecurityCompanyRecord, SecurityPlanFacts, TicketingFacts,
    TrafficFacts, VenueFacts,
)
from tests import factories
from tests.support import builder


def venue_facts(**overrides) -> VenueFacts:
    values = {"usable_area_m2": 10000.0, "indoor": False, "exits": (ExitFacts(6.0), ExitFacts(6.0), ExitFacts(6.0)),
              "parking_spaces": 800, "public_transport": True}
    values.update(overrides)
    return VenueFacts(**values)


def event_facts(**overrides) -> EventFacts:
    """A calm daytime spring event of 3,000 people on 10,000 m² with enough staff."""
    values = {
        "kind": "exhibition", "kind_label": "展览/展销会", "attendance": 3000, "rated_capacity": 8000,
        "start_local": datetime(2026, 4, 18, 9), "end_local": datetime(2026, 4, 18, 17),
        "venue": venue_facts(), "organiser": OrganiserRecord(completed_events=3),
        "security_company": SecurityCompanyRecord(named=True, name="安盾", drills_past_year=2),
        "plan": SecurityPlanFacts(security_staff_total=100, fixed_posts=3, patrol_posts=4, mobile_points=5),
        "ticketing": TicketingFacts(ticketed=True, real_name=True, public_sale_percent=90, refund_mechanism=True),
        "traffic": TrafficFacts(parking_spaces_arranged=200, shuttle_buses=10),
    }
    values.update(overrides)
    return EventFacts(**values)


def performer(name="乐队", intensity=2, interaction=2, **overrides) -> PerformerFacts:
    return PerformerFacts(name=name, genre=overrides.pop("genre", "摇滚"), genre_intensity=intensity,
                          audience_interaction=interaction, **overrides)


def fill_sections(application, user, **values):
    """Save the plan sections the risk model reads, with the given field values (each in its section)."""
    builder.builder_for(application, organizer=user).with_sections(by=user, **values)


def event_start(days=40, hour=10):
    start = timezone.localtime(timezone.now() + timedelta(days=days))
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


def application_with_venue(organizer=None, *, area=12000, exits=((6, "level"),) * 3, parking=800, transport=True,
                           setting="outdoor", **facts):
    organizer = organizer or factories.OrganizerUserFactory()
    venue = factories.VenueFactory(owner=organizer.organisation, usable_area_m2=area, parking_spaces=parking,
                                   public_transport=transport, setting=setting, exits=[])
    for i, (width, kind) in enumerate(exits, start=1):
        factories.VenueExitFactory(venue=venue, name=f"{i}号门", width_m=width, kind=kind)
    return factories.create_application(organizer, venue=venue, **facts)
