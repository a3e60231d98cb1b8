"""Event-day test data: approved (live) applications with zones, gates and a counter device."""
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import Application
from eventday import services
from eventday.models import GateDevice, Zone
from events.models import Event
from tests.support import builder


def approved_application(organizer=None, *, live=True, state="approved", **fact_overrides):
    """An application taken through the workflow to `state` (approved; or e.g. suspended after approval), its
    event running now when `live` (tests.support.builder)."""
    made = builder.application(organizer, **fact_overrides).filled().reach(state)
    if live:
        made.running_now()
    return made.build()


@dataclass
class LiveEvent:
    application: Application
    event: Event
    outer: Zone     # 警戒区, 400 people
    core: Zone      # 核心区 (stage front), 100 people
    gates: dict     # code → Gate
    device: GateDevice
    token: str


def live_event(organizer=None, *, state="approved", live=True, bound_gates=None, **fact_overrides) -> LiveEvent:
    """Two zones: the warning area (200 m², two perimeter gates) and the stage front (50 m², entered from it).
    The device is bound to every gate, or to the gates whose codes `bound_gates` lists."""
    application = approved_application(organizer, state=state, live=live, **fact_overrides)
    event = application.event
    outer = services.zone_create(event=event, kind="warning", name="警戒区", usable_area_m2=200,
                                 safe_density=Decimal("2.00"), order=1)
    core = services.zone_create(event=event, kind="core", name="舞台前区", usable_area_m2=50,
                                safe_density=Decimal("2.00"), order=0)
    gates = {
        "east": services.gate_create(zone=outer, code="east", name="东门"),
        "west": services.gate_create(zone=outer, code="west", name="西门"),
        "stage": services.gate_create(zone=core, code="stage", name="舞台前区入口", from_zone=outer),
    }
    bound = [gates[code] for code in bound_gates] if bound_gates is not None else list(gates.values())
    device, token = services.device_register(event=event, name="计数器1", gates=bound)
    return LiveEvent(application, event, outer, core, gates, device, token)


def district_reviewer(application):
    """A police reviewer of the application's district (sees and reviews it)."""
    return builder.reviewer_for(application)


def reading(gate, sequence, count_in=0, count_out=0, *, at=None) -> services.Reading:
    return services.Reading(gate=gate, measured_at=at or timezone.now(), count_in=count_in, count_out=count_out,
                            sequence=sequence)


# A gate counter's view of the counting API.


def device_client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    return client


def item(gate, sequence, count_in=0, count_out=0):
    return {"gate": gate, "time": timezone.now().isoformat(), "in": count_in, "out": count_out,
            "sequence": sequence}
