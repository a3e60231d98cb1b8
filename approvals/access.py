"""Who may see and act on an application: its django-guardian object permissions, kept equal to its facts.

`application_sync_access` derives from the application's current facts who should hold which permission and
makes the grant tables say exactly that: it adds what is missing AND removes what no longer applies (a removed
co-organiser, the bureau of a district the venue left, a replaced culture official or security company).
Every service that changes one of those facts calls it inside its transaction, with the row locked:

| holder                                                  | permissions     | when                          |
| ------------------------------------------------------- | --------------- | ----------------------------- |
| the applicant organisation (its group)                  | view, change    | always                        |
| each co-organiser (its group)                           | view            | always                        |
| the district bureau (`Application.district`, which      | view, review    | once submitted (the police    |
| follows the venue) and every bureau above it (groups)   |                 | never see a draft)            |
| the security company named on the event (its group)     | view, staff     | once submitted                |
| the culture-tourism official assigned to vet (the user) | view, vet       | while assigned                |
| each department asked for its opinion (its group)       | view, opine     | while the request is open     |
|                                                         |                 | (not withdrawn)               |

Grants go to organisation/authority groups, never to each staff member, so staff changes need no re-granting;
the culture official's grant is the exception because one official, not the department, is assigned.
Visibility everywhere (lists, pages, API, event day) reads these grants only (approvals.applications.selectors).
"""
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from events.models import Authority

from .models import Application, ApplicationGroupObjectPermission, ApplicationUserObjectPermission, AuditEntry

VIEW = "approvals.view_application"
CHANGE = "approvals.change_application"
REVIEW = "approvals.review_application"
VET = "approvals.vet_application"
STAFF = "approvals.staff_application"
OPINE = "approvals.opine_application"

MANAGED = (VIEW, CHANGE, REVIEW, VET, STAFF, OPINE)

ORGANISATION_PERMS = (VIEW, CHANGE)
CO_ORGANISER_PERMS = (VIEW,)
POLICE_PERMS = (VIEW, REVIEW)
COMPANY_PERMS = (VIEW, STAFF)
CULTURE_PERMS = (VIEW, VET)
DEPARTMENT_PERMS = (VIEW, OPINE)

# Police bureaus are two levels (district under city); the query reads one more level, and a deeper chain
# (none exists) is followed one query per level.
_CHAIN = ("district", "district__parent", "district__parent__parent")


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1]


def application_grants_wanted(application_id: int) -> tuple[set, set]:
    """(group grants, user grants) the application should have now: sets of (holder id, codename).

    One query (plus one per bureau level beyond three, which the model does not have); the departments asked for
    an opinion (approvals.opinions) come in it through the open requests (a filtered join: one row per
    co-organiser and open request)."""
    from django.db.models import FilteredRelation, Q

    fields = ["submitted_at", "organisation__group_id", "culture_official_id", "event__security_company__group_id",
              "event__co_organisers__group_id", *(f"{level}__group_id" for level in _CHAIN),
              f"{_CHAIN[-1]}__parent_id", "open_opinions__department__group_id"]
    rows = list(Application.objects.filter(pk=application_id).alias(open_opinions=FilteredRelation(
        "opinion_requests", condition=Q(opinion_requests__withdrawn_at__isnull=True))).values(*fields))
    if not rows:
        return set(), set()
    first = rows[0]
    groups: set = set()
    users: set = set()

    def grant(holders: set, holder_id, perms) -> None:
        if holder_id is not None:
            holders.update((holder_id, _codename(p)) for p in perms)

    grant(groups, first["organisation__group_id"], ORGANISATION_PERMS)
    for row in rows:  # one row per co-organiser and open opinion request
        grant(groups, row["event__co_organisers__group_id"], CO_ORGANISER_PERMS)
        grant(groups, row["open_opinions__department__group_id"], DEPARTMENT_PERMS)
    grant(users, first["culture_official_id"], CULTURE_PERMS)
    if first["submitted_at"] is not None:
        for level in _CHAIN:
            grant(groups, first[f"{level}__group_id"], POLICE_PERMS)
        parent_id = first[f"{_CHAIN[-1]}__parent_id"]
        while parent_id is not None:
            group_id, parent_id = Authority.objects.values_list("group_id", "parent_id").get(pk=parent_id)
            grant(groups, group_id, POLICE_PERMS)
        grant(groups, first["event__security_company__group_id"], COMPANY_PERMS)
    return groups, users


def application_sync_access(application: Application, *, actor=None, audit: bool = True) -> dict:
    """Make the application's grants exactly those `application_grants_wanted` says; return what changed
    ({"granted": [...], "revoked": [...]}, each "holder: codename").

    Idempotent; a fixed number of queries: 4 when nothing changes, at most 10 otherwise (the grant tables are
    read once each, stale rows deleted in one statement per table, missing rows inserted in one). Call it in the
    service's transaction after the facts are saved, with the application's row locked (select_for_update), so
    two syncs of one application never interleave. With `audit`, a change is written to the audit log (off only
    for the application's creation, whose CREATED entry already says the organisation holds it)."""
    wanted_groups, wanted_users = application_grants_wanted(application.pk)
    permission_ids = dict(Permission.objects.filter(
        content_type__app_label="approvals", content_type__model="application",
        codename__in=[_codename(p) for p in MANAGED]).values_list("codename", "pk"))
    codenames = {pk: codename for codename, pk in permission_ids.items()}

    changes = {}
    for model, holder_field, wanted in ((ApplicationGroupObjectPermission, "group_id", wanted_groups),
                                        (ApplicationUserObjectPermission, "user_id", wanted_users)):
        existing = {(holder, codenames.get(permission_id, permission_id)): pk for pk, holder, permission_id in
                    model.objects.filter(content_object_id=application.pk)
                    .values_list("pk", holder_field, "permission_id")}
        stale = [pk for key, pk in existing.items() if key not in wanted]
        missing = sorted(wanted - existing.keys())
        if stale:
            model.objects.filter(pk__in=stale).delete()
        if missing:
            model.objects.bulk_create(
                [model(content_object_id=application.pk, permission_id=permission_ids[codename],
                       **{holder_field: holder}) for holder, codename in missing], ignore_conflicts=True)
        changes[holder_field] = (missing, sorted((k for k in existing if k not in wanted), key=str))
    # The instance's cached permission checkers (Application.user_may) describe the grants before this call.
    application.__dict__.pop("_permission_checkers", None)

    if not any(granted or revoked for granted, revoked in changes.values()):
        return {"granted": [], "revoked": []}
    group_ids = {holder for pairs in changes["group_id"] for holder, _perm in pairs}
    names = dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "name")) if group_ids else {}

    def describe(pairs, *, users: bool) -> list[str]:
        return [f"user:{holder}: {codename}" if users else f"{names.get(holder, f'group {holder}')}: {codename}"
                for holder, codename in pairs]

    summary = {
        "granted": describe(changes["group_id"][0], users=False) + describe(changes["user_id"][0], users=True),
        "revoked": describe(changes["group_id"][1], users=False) + describe(changes["user_id"][1], users=True),
    }
    if audit:
        # One entry per change: access_revoked when anything was taken back (the snapshot lists both ways).
        event = AuditEntry.Event.ACCESS_REVOKED if summary["revoked"] else AuditEntry.Event.ACCESS_GRANTED
        AuditEntry.objects.create(
            application=application, actor=actor, action=AuditEntry.Action.OTHER, event=event,
            reason=_("访问权限按申请现状调整（授予 %(granted)s 项，撤销 %(revoked)s 项）。") % {
                "granted": len(summary["granted"]), "revoked": len(summary["revoked"])},
            snapshot={"access": summary})
    return summary


def perms_held(user, application) -> frozenset[str]:
    """The codenames `user` holds on one application, itself or through a group: guardian's grant tables in one
    query (guardian's checker spends two). An inactive user holds none; a superuser every one."""
    from django.contrib.auth import get_user_model

    if not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Permission.objects.filter(content_type__app_label="approvals",
                                                   content_type__model="application")
                         .values_list("codename", flat=True))
    groups = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
    by_group = ApplicationGroupObjectPermission.objects.filter(
        content_object_id=application.pk, group_id__in=groups).values_list("permission__codename")
    by_user = ApplicationUserObjectPermission.objects.filter(
        content_object_id=application.pk, user_id=user.pk).values_list("permission__codename")
    return frozenset(codename for (codename,) in by_group.union(by_user))


def grant_held(user, perm: str = VIEW):
    """A filter expression on applications: `user` holds `perm` on the row, through one of its groups or itself.

    The same rule as guardian's get_objects_for_user, shaped for PostgreSQL's planner (docs/performance.md): one
    EXISTS over a UNION ALL of the two grant tables, so it is probed row by row with the covering index
    (content_object, permission, group) while a list walks its sort index and stops at the page; the permission
    and the user's groups are sub-selects, so no query is spent on them and the plan never depends on the
    codename's row estimate. (Two EXISTS joined by OR, the former shape, made PostgreSQL hash every grant of the
    user before the first row and estimate a cost that triggered JIT compilation.)"""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Subquery

    app_label, codename = perm.split(".", 1)
    permission = Subquery(Permission.objects.filter(
        content_type__app_label=app_label, content_type__model="application", codename=codename).values("pk")[:1])
    groups = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
    by_group = ApplicationGroupObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"), permission_id=permission, group_id__in=groups).values("pk")
    by_user = ApplicationUserObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"), permission_id=permission, user_id=user.pk).values("pk")
    return Exists(by_group.union(by_user, all=True))
