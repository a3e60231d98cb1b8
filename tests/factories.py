"""factory_boy factories for the core models: organisations, authorities, users per role, venues, applications."""
from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from accounts.models import User
from events import sessions as event_sessions
from events.models import Authority, Event, EventSession, Organisation, Performer, Song, Venue, VenueExit

PASSWORD = "anbao-test-pass-2026"


def pdf_bytes() -> bytes:
    """A real one-page PDF (the upload check parses the document, not only its first and last bytes)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()


def png_bytes(width=4, height=4) -> bytes:
    """A real PNG image (the upload check opens images with Pillow)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = png_bytes()


def pdf_upload(name="doc.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class CityBureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("name",)

    name = "市公安局"
    kind = Authority.Kind.POLICE
    level = Authority.Level.CITY


class DistrictBureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"第{n}公安分局")
    kind = Authority.Kind.POLICE
    level = Authority.Level.DISTRICT
    parent = factory.SubFactory(CityBureauFactory)


class CultureDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"文旅局{n}")
    kind = Authority.Kind.CULTURE
    level = Authority.Level.CITY


def department_kind(code: str = "fire"):
    """A department kind seeded by events' migration 0009 (消防救援 fire, 交警 traffic, 卫健 health, ...)."""
    from events.models import DepartmentKind

    return DepartmentKind.objects.get(code=code)


class DepartmentFactory(factory.django.DjangoModelFactory):
    """A department the police ask for an opinion (消防救援 by default), serving a district bureau's area."""

    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"消防救援大队{n}")
    kind = Authority.Kind.DEPARTMENT
    level = Authority.Level.DISTRICT
    parent = None
    department_kind = factory.LazyFunction(department_kind)
    area = factory.SubFactory(DistrictBureauFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"演出公司{n}")
    kind = Organisation.Kind.ORGANIZER


class SecurityCompanyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"保安服务公司{n}")
    kind = Organisation.Kind.SECURITY_COMPANY


def role_hook(default_role):
    """Post-generation: put the user in its role group (`role=` overrides the factory's default)."""

    def hook(user, create, extracted, **kwargs):
        name = extracted or default_role
        if name and create:
            user.groups.add(Group.objects.get(name=name))
        if create:
            user.save()

    return factory.PostGeneration(hook)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    role = role_hook(None)


class OrganizerUserFactory(UserFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    role = role_hook(roles.ORGANIZER)


class ReviewerFactory(UserFactory):
    authority = factory.SubFactory(DistrictBureauFactory)
    role = role_hook(roles.REVIEWER)


class SupervisorFactory(UserFactory):
    authority = factory.SubFactory(DistrictBureauFactory)
    role = role_hook(roles.SUPERVISOR)


class CultureOfficialFactory(UserFactory):
    authority = factory.SubFactory(CultureDepartmentFactory)
    role = role_hook(roles.CULTURE_OFFICIAL)


class DepartmentOfficialFactory(UserFactory):
    authority = factory.SubFactory(DepartmentFactory)
    role = role_hook(roles.DEPARTMENT_OFFICIAL)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"湖滨音乐节场地{n}")
    address = "滨湖路1号"
    district = factory.SubFactory(DistrictBureauFactory)
    usable_area_m2 = 12000
    setting = Venue.Setting.OUTDOOR
    parking_spaces = 800
    exits = factory.RelatedFactoryList("tests.factories.VenueExitFactory", factory_related_name="venue", size=3)


class VenueExitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VenueExit

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"{n}号出口")
    width_m = 6


def event_facts(venue, **overrides) -> dict:
    """Valid facts for application_create: an event 40 days ahead (one session, given by its span), or the
    `sessions=[{start_at, end_at, expected_attendance, name}, ...]` given."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=40)
    facts = {
        "name": "湖滨音乐节", "kind": Event.Kind.MUSIC_FESTIVAL, "venue": venue, "start_at": start,
        "end_at": start + timedelta(hours=8), "expected_attendance": 3000, "rated_capacity": 5000,
        "ticketed": True, "temporary_structures": 2, "has_performances": False, "alcohol_served": False,
        "description": "两天的户外音乐节",
    }
    if "sessions" in overrides:  # the span is then derived from the sessions
        for key in ("start_at", "end_at", "expected_attendance"):
            facts.pop(key)
    facts.update(overrides)
    return facts


def evenings(count: int = 2, *, attendance=(3000, 6000), days_ahead: int = 40, hours: int = 5) -> list[dict]:
    """Sessions of a festival of `count` evenings from 19:00 local time, `days_ahead` from today; the
    attendances cycle through `attendance`."""
    first = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) + timedelta(days=days_ahead)
    return [{"name": f"第{i + 1}晚", "start_at": first + timedelta(days=i),
             "end_at": first + timedelta(days=i, hours=hours), "expected_attendance": attendance[i % len(attendance)]}
            for i in range(count)]


class EventFactory(factory.django.DjangoModelFactory):
    """An event 40 days ahead with one session matching its summary; `sessions=[{...}, ...]` gives it those
    sessions instead (the summary follows), `sessions=[]` none (as events stored before sessions existed)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"湖滨音乐节{n}")
    kind = Event.Kind.MUSIC_FESTIVAL
    organisation = factory.SubFactory(OrganisationFactory)
    venue = factory.SubFactory(VenueFactory, owner=factory.SelfAttribute("..organisation"))
    start_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=40))
    end_at = factory.LazyAttribute(lambda e: e.start_at + timedelta(hours=8))
    expected_attendance = 3000
    rated_capacity = 5000

    @factory.post_generation
    def sessions(event, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            event_sessions.ensure_single_session(event)
        elif extracted:
            event_sessions.replace_sessions(event, list(extracted))


class SessionFactory(factory.django.DjangoModelFactory):
    """One more session of an event (default: a new event without sessions of its own); the event's summary
    follows."""

    class Meta:
        model = EventSession
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory, sessions=[])
    name = ""
    start_at = factory.LazyAttribute(lambda s: s.event.start_at)
    end_at = factory.LazyAttribute(lambda s: s.start_at + timedelta(hours=4))
    expected_attendance = factory.LazyAttribute(lambda s: s.event.expected_attendance)

    @factory.post_generation
    def summary(session, create, extracted, **kwargs):
        if create:
            event_sessions.sync_summary(session.event)


def create_application(organizer=None, venue=None, **fact_overrides):
    """A draft application created through the service, as an organizer would (tests.support.builder)."""
    from tests.support.builder import application

    return application(organizer, venue=venue, **fact_overrides).build()


def complete_application(application, user, *, skip_deferrable=True):
    """Fill every section and party and upload every applicable non-online document (not the deferrable ones
    unless `skip_deferrable=False`)."""
    from tests.support.builder import builder_for

    builder_for(application, organizer=user).filled(skip_deferrable=skip_deferrable)
    application.refresh_from_db()
    return application


def submitted_application(organizer=None, **fact_overrides):
    """Filled (deferrable documents left to defer) and handed in."""
    from tests.support.builder import application

    return application(organizer, **fact_overrides).filled(skip_deferrable=True).submitted().build()


class PerformerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Performer

    name = factory.Sequence(lambda n: f"乐队{n}")
    genre = "摇滚"
    genre_intensity = 3
    audience_interaction = 3


class SongFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Song

    performer = factory.SubFactory(PerformerFactory)
    title = factory.Sequence(lambda n: f"歌曲{n}")


def grant_police_access(application) -> None:
    """Give the application's district bureau and the bureaus above it what submission gives them (view and
    review), for test rows made without the submit service (a real submission: submitted_application). The next
    approvals.access.application_sync_access of the row takes it back unless the row really was submitted."""
    from guardian.shortcuts import assign_perm

    authority = application.district
    while authority is not None:
        for codename in ("view_application", "review_application"):
            assign_perm(codename, authority.group, application)
        authority = authority.parent
