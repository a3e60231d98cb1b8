"""Reads of applications, always already filtered to what the user may see."""
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from .. import access
from ..access import VIEW
from ..models import Application, ApplicationDocument, CatalogueVersion, PartyAssignment, SectionEntry


def current_catalogue() -> CatalogueVersion:
    return CatalogueVersion.objects.get(is_current=True)


def applications_visible_to(user, perm: str = VIEW, queryset: QuerySet | None = None) -> QuerySet:
    """Every list page and endpoint starts here: object permissions decide, not the template."""
    if queryset is None:
        queryset = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(access.grant_held(user, perm))


class BoundedCountPaginator(Paginator):
    """A Paginator whose count stops `lookahead` rows past the end of the page asked for.

    An exact count of a city bureau's 100,000 (or a province's 1,000,000) applications reads every visible row
    on each request; this one reads at most as far as the page itself plus `lookahead`, so its cost follows how
    deep the reader is, not how big the table is. `count_is_bounded` says "at least `count`": the templates and
    the API then say "more than". The next page is always reachable (num_pages reaches past the page asked)."""

    lookahead = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_is_bounded = False
        self._horizon = self.per_page + self.lookahead

    def validate_number(self, number):
        if "count" not in self.__dict__:  # the first page asked for sets how far to count
            try:
                asked = max(1, int(number))
            except (TypeError, ValueError):
                asked = 1
            self._horizon = asked * self.per_page + self.lookahead
        return super().validate_number(number)

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        counted = self.object_list[:self._horizon + 1].count()
        self.count_is_bounded = counted > self._horizon
        return min(counted, self._horizon)


def application_list_queryset(user) -> QuerySet:
    """The rows a list page shows, with what each row needs loaded up front (no query per row)."""
    queryset = Application.objects.select_related(
        "event", "event__venue", "organisation", "district", "assigned_reviewer",
        # who decides (Application.deciding_authority: the city above the district, by the catalogue's
        # threshold) is read per row by the clocks
        "district__parent", "catalogue",
    )
    return applications_visible_to(user, queryset=queryset)


def with_latest_fuse_flags(queryset) -> QuerySet:
    """`latest_fuse_flags` on each row: the fuse flags (熔断标记) of its newest assessment, in the same query (a
    sub-select per row of the page, by riskassess's latest-assessment index)."""
    from django.db.models import JSONField, OuterRef, Subquery

    from riskassess.models import Assessment

    return queryset.annotate(latest_fuse_flags=Subquery(
        Assessment.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-id").values("fuse_flags")[:1],
        output_field=JSONField()))


def application_for_user(user, pk, perm: str = VIEW) -> Application:
    """One application the user may see, or 404 (never 403: another organisation's id reveals nothing)."""
    queryset = Application.objects.select_related(
        "event", "event__venue", "event__venue__district", "event__security_company", "organisation",
        "district", "district__parent", "catalogue", "assigned_reviewer", "created_by",
    )
    try:
        return applications_visible_to(user, perm=perm, queryset=queryset).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("No application found.")


def application_with_contents(application: Application) -> Application:
    """Load the documents, sections and parties of one application in a fixed number of queries."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        [application],
        Prefetch("documents", queryset=ApplicationDocument.objects.select_related(
            "document_type", "current_version").order_by("document_type__number")),
        Prefetch("sections", queryset=SectionEntry.objects.select_related("section").order_by("section__number")),
        Prefetch("parties", queryset=PartyAssignment.objects.select_related("party")
                 .prefetch_related("acknowledged_items", "party__items").order_by("party__number")),
        "event__co_organisers",
        "event__sessions",
        "event__venue__exits",
        "event__performers__songs",
    )
    return application


# ---------------------------------------------------------------------------------------------- reviewer inbox
from django.utils.translation import gettext_lazy  # noqa: E402

# Sort keys the inbox offers (the `sort` parameter; a leading "-" reverses). Extend here: each value is the
# order_by() tuple, ending in a unique column so pages are stable. Annotations a sort needs go in
# inbox_queryset().
INBOX_SORTS = {
    # Soonest statutory clock first (the stored Application.next_deadline, indexed; no clock: last), then the
    # event's start.
    "urgency": ("next_deadline", "event__start_at", "pk"),
    "submitted": ("submitted_at", "pk"),
    "start": ("event__start_at", "pk"),
    "attendance": ("event__expected_attendance", "pk"),
    "reference": ("reference",),
}
INBOX_DEFAULT_SORT = "urgency"
# What the sort menu offers, in this order (a sort key may appear in both directions).
INBOX_SORT_CHOICES = [
    ("urgency", gettext_lazy("紧急程度（期限最近在前）")),
    ("submitted", gettext_lazy("提交时间（先到先审）")),
    ("-submitted", gettext_lazy("提交时间（最新在前）")),
    ("start", gettext_lazy("活动开始时间（最近在前）")),
    ("-start", gettext_lazy("活动开始时间（最远在前）")),
    ("-attendance", gettext_lazy("预计人数（多到少）")),
    ("attendance", gettext_lazy("预计人数（少到多）")),
    ("reference", gettext_lazy("申请编号")),
]


# The work-queue tabs above the inbox: each a group of states by trait (approvals.workflow.states), in this order.
# A tab is a link that sets the state filter to its states; its badge is a bounded count (inbox_tab_counts).
INBOX_TABS = [  # key, label, the trait its states have, a trait they must not have
    ("waiting", gettext_lazy("待受理/补正"), "undecided", "deciding"),
    ("deciding", gettext_lazy("审查中"), "deciding", "reported_to_city"),
    ("city", gettext_lazy("待市局决定"), "reported_to_city", None),
    ("permit", gettext_lazy("已许可"), "permit_held", None),
    ("closed", gettext_lazy("已办结"), "terminal", None),
]
INBOX_TAB_COUNT_LIMIT = 99  # a badge says "99+" beyond: counting further would read every row of a big tab


def inbox_tab_states(trait: str, excluded_trait: str | None) -> tuple[str, ...]:
    from ..workflow.states import with_trait

    excluded = set(with_trait(excluded_trait)) if excluded_trait else set()
    return tuple(state for state in with_trait(trait) if state not in excluded)


def inbox_tab_counts(user) -> list[dict]:
    """The tabs with their counts, in one query: per tab, the user's visible applications in its states counted
    up to INBOX_TAB_COUNT_LIMIT + 1 (each a LIMITed sub-select: at most that many rows read per tab, whatever
    the table's size). Each dict: key, label, states, count, more (True when the count stopped)."""
    from django.db import connection

    tabs, selects, params = [], [], []
    visible = applications_visible_to(user)
    for key, label, trait, excluded_trait in INBOX_TABS:
        states = inbox_tab_states(trait, excluded_trait)
        sql, sub_params = (visible.filter(state__in=states).order_by().values("pk")[:INBOX_TAB_COUNT_LIMIT + 1]
                           .query.sql_with_params())
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS tab_{key})")
        params.extend(sub_params)
        tabs.append({"key": key, "label": label, "states": states})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        counts = cursor.fetchone()
    for tab, count in zip(tabs, counts):
        tab["count"], tab["more"] = min(count, INBOX_TAB_COUNT_LIMIT), count > INBOX_TAB_COUNT_LIMIT
    return tabs


def inbox_sort_key(params) -> str:
    """The valid sort key asked for in params (e.g. "-start"), or the default."""
    sort = (params.get("sort") or "").strip() if params else ""
    return sort if sort.lstrip("-") in INBOX_SORTS else INBOX_DEFAULT_SORT


def inbox_queryset(user, params) -> QuerySet:
    """The reviewer inbox: submitted (never draft) applications the user may see, filtered by
    ApplicationFilter from `params` (a QueryDict such as request.GET) and sorted by its `sort` key.

    Each row's event, venue, organisation, bureau and reviewer come in the same query (no query per row).
    """
    from .filters import ApplicationFilter
    from ..clocks.services import prefetch_for_clocks
    from ..models import ApplicationState

    queryset = with_latest_fuse_flags(application_list_queryset(user).exclude(state=ApplicationState.DRAFT))
    queryset = ApplicationFilter(params, queryset=queryset).qs
    queryset = prefetch_for_clocks(queryset)  # each row's clocks (approvals.clocks.attach_clocks)
    sort = inbox_sort_key(params)
    descending = sort.startswith("-")
    # NULLs (no dated clock) last in both directions: ascending is the index's own order.
    ordering = [F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
                for column in INBOX_SORTS[sort.lstrip("-")]]
    return queryset.order_by(*ordering)


# ---------------------------------------------------------------------------------------------- detail page


def application_detail_contents(application: Application) -> Application:
    """application_with_contents() plus every document version and the checklist's catalogue rows:
    everything the detail page draws, in a fixed number of queries."""
    from django.db.models import prefetch_related_objects

    from ..models import DocumentVersion

    application_with_contents(application)
    prefetch_related_objects(
        list(application.documents.all()),
        Prefetch("versions", queryset=DocumentVersion.objects.select_related("uploaded_by", "checked_by")
                 .order_by("-number")),
    )
    return application


def application_panel_contents(application: Application) -> Application:
    """What the detail page's clocks, workflow panel and correction notice read (approvals.clocks, workflow)."""
    from django.db.models import prefetch_related_objects

    from ..workflow.models import CorrectionRequest

    prefetch_related_objects(
        [application],
        Prefetch("correction_requests", queryset=CorrectionRequest.objects.select_related("requested_by")),
        "clock_extensions", deferred_commitments_prefetch(),
    )
    return application


def deferred_commitments_prefetch():
    from django.db.models import Prefetch

    from ..models import DeferredCommitment

    return Prefetch("deferred_commitments",
                    queryset=DeferredCommitment.objects.prefetch_related("documents__document_type"))


def deferred_commitments_of(application: Application) -> list:
    """The application's 容缺 commitments with their documents (read once per instance)."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([application], deferred_commitments_prefetch())
    return list(application.deferred_commitments.all())


def application_audit_history(application: Application) -> QuerySet:
    """The audit log of one application, newest first, with each actor loaded."""
    return application.audit_entries.select_related("actor").order_by("-created_at", "-id")
