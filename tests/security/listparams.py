"""Every filter, search, sort and page parameter of every list (API from the OpenAPI schema and the view's
ordering fields; pages from their FilterSet or form), with values aimed at the victim's rows."""
import os

from django import forms
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from approvals.applications.filters import ApplicationFilter
from approvals.applications.selectors import INBOX_SORTS
from eventday.forms import StatisticsFilterForm
from events.models import Authority, Venue

from .world import OWNER, World

# List pages and the source of their query parameters: a FilterSet or form class (or a factory of a bound-less
# form), plus parameters the view reads itself (a list, or a function of the world). A page that lists rows must be declared here (test below).
PAGE_QUERIES = {
    "home": (None, {}),
    "approvals:list": (None, {"page": ["1", "2"]}),
    "approvals:inbox": (ApplicationFilter, {"sort": [s for key in INBOX_SORTS for s in (key, f"-{key}")],
                                            "page": ["1"]}),
    "approvals:inbox_candidates": (None, {}),
    "review:vetting_list": (None, {}),
    "review:opinion_list": (None, {}),
    "eventday:list": (None, {}),
    "eventday:companies": (None, {}),
    "eventday:statistics": (lambda: StatisticsFilterForm(venues=Venue.objects.all()), {"export": ["csv", "xlsx"]}),
    "notifications:list": (None, {"page": ["1"], "priority": ["high", "normal", "info"], "unread": ["1"],
                                  "sort": ["-created", "created", "priority", "due"]}),
    # The calendar's week and month, aimed at the victim's days (values computed from the world).
    "calendar:month": (None, {"week": lambda world: dates(world),
                              "month": lambda world: sorted({day[:7] for day in dates(world)})}),
    "notifications:unread_badge": (None, {}),
}
# Pages that answer GET with a form or a document, not a list of anyone's rows.
NOT_LISTS = {"login", "approvals:create", "swagger-ui", "redoc", "schema", "verification:lookup",
             # No application rows: the page after signing in again; the bureau's officers to assign to; the
             # user's own saved views (only the owner's, tests/approvals/test_inbox_saved_views.py).
             "accounts:signed_in", "approvals:inbox_assign", "approvals:inbox_views"}


def texts(world: World) -> list[str]:
    """Search strings that match all of the victim's rows at once: its mark (in every name it owns) and the
    references' common prefix."""
    return [world.marks[0], os.path.commonprefix([v.application.reference for v in world.victims.values()])]


def dates(world: World) -> list[str]:
    found = set()
    for victim in world.victims.values():
        application = victim.application
        found.add(timezone.localtime(application.event.start_at).date())
        if application.submitted_at:
            found.add(timezone.localtime(application.submitted_at).date())
    return sorted(d.isoformat() for d in found)


def years(world: World) -> list[str]:
    return sorted({str(timezone.localtime(v.application.event.start_at).year) for v in world.victims.values()}
                  | {str(timezone.localdate().year)})


def authorities(world: World) -> list[str]:
    return [str(a.pk) for a in (world.district, world.district.parent, world.other_district)]


def _field_values(name: str, field, world: World) -> list[str]:
    if isinstance(field, forms.ModelChoiceField):
        model = field.queryset.model
        return authorities(world) if model is Authority else [str(world.venue.pk)] if model is Venue else []
    if isinstance(field, (forms.ChoiceField, forms.MultipleChoiceField)):
        return [str(value) for value, _label in field.choices if value not in ("", None)]
    if isinstance(field, (forms.BooleanField, forms.NullBooleanField)):
        return ["true", "false"]
    if isinstance(field, forms.DateField):
        return dates(world)
    if isinstance(field, forms.IntegerField):
        return years(world)
    return texts(world)


def page_queries(route_name: str, world: World) -> list[tuple[str, str]]:
    source, extra = PAGE_QUERIES[route_name]
    params = []
    if source is not None:
        form = source().form if isinstance(source, type) and hasattr(source, "base_filters") else source()
        for name, field in form.fields.items():
            params += [(name, value) for value in _field_values(name, field, world)]
    params += [(name, value) for name, values in extra.items()
               for value in (values(world) if callable(values) else values)]
    return params


_SCHEMA = {}


def schema() -> dict:
    if not _SCHEMA:
        _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    return _SCHEMA


def _ordering_values(view_class) -> list[str]:
    fields = getattr(view_class, "ordering_fields", None)
    if not isinstance(fields, (list, tuple)):
        serializer = getattr(view_class, "serializer_class", None)
        fields = list(serializer().fields) if serializer else []
    return [f"-{field}" for field in fields] + [field for field in fields[:1]]


def api_queries(path: str, view_class, world: World) -> list[tuple[str, str]]:
    """The GET parameters the schema documents for this path, with values aimed at the victim."""
    operation = schema()["paths"].get(path, {}).get("get", {})
    params = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        name, spec = parameter["name"], parameter["schema"]
        enum = spec.get("enum") or spec.get("items", {}).get("enum")
        if enum:
            values = [str(v) for v in enum]
        elif spec.get("type") == "boolean":
            values = ["true", "false"]
        elif spec.get("format") == "date":
            values = dates(world)
        elif name == "ordering":
            values = _ordering_values(view_class)
        elif name == "page":
            values = ["1", "2"]
        elif name == "page_size":
            values = ["100"]
        elif name == "year":
            values = years(world)
        elif name == "bureau":
            values = authorities(world)
        elif name == "venue":
            values = [str(world.venue.pk)]
        elif spec.get("type") == "integer":
            values = [str(world.live.pk), str(world.live.event_id)]
        else:
            values = texts(world)
        params += [(name, value) for value in values]
    return params


def roles_to_check(world: World, forbidden: dict) -> list[str]:
    """Everyone who must not read some of the victim's marks (the owner reads all of them); of a reviewer and a
    supervisor of the same bureau, one (their grants and their lists are the same)."""
    seen, roles = set(), []
    for role, marks in forbidden.items():
        user = world.users[role]
        key = (tuple(marks), getattr(user, "authority_id", None), getattr(user, "organisation_id", None),
               getattr(user, "is_culture_official", None))
        if marks and role != OWNER and key not in seen:
            seen.add(key)
            roles.append(role)
    return roles
