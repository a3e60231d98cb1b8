"""Event-day pages: list, live dashboard (htmx partial + JSON chart), incidents, companies, statistics.

Thin: forms in, services write, selectors read (already filtered: an event the user may not see is a 404,
an action the user may not take a 403).
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.sessions import passive
from approvals.workflow import ApplicationConflict
from events.models import Venue

from . import exports, heatmap, selectors, services
from .forms import (
    AccountabilityForm, AfterActionReviewForm, DrillForm, IncidentFilterForm, IncidentForm, IncidentResolveForm,
    StatisticsFilterForm, SuspendForm, TicketsForm,
)
from .models import Alert, Incident, OccupancyPolicy

LIVE_POLL_SECONDS = 5


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
def event_list(request):
    return render(request, "eventday/event_list.html",
                  {"events": selectors.event_list_with_sessions(request.user, limit=200)})


def _live_context(request, event) -> dict:
    policy = OccupancyPolicy.current()
    now = timezone.now()
    occupancy = selectors.event_occupancy(event, policy=policy, now=now)
    return {
        "event": event, "policy": policy,
        "occupancy": occupancy,
        "alerts": list(selectors.open_alerts(event)[:20]),
        "may_operate": selectors.user_may_operate(request.user, event),
        "may_log_incidents": selectors.user_may_log_incidents(request.user, event),
        "review_available": selectors.review_available(event),
        "poll_seconds": LIVE_POLL_SECONDS, "now": now,
        **heatmap.live_context(event, occupancy, policy=policy, now=now),
    }


@login_required
def dashboard(request, pk):
    event = selectors.event_for_user(request.user, pk)
    context = _live_context(request, event)
    if selectors.may_report_tickets(request.user, event):
        context["tickets_form"] = TicketsForm(initial={
            "tickets_issued": context["occupancy"].headcount.tickets_issued})
    if context["may_operate"]:
        context["suspend_form"] = SuspendForm(initial={"expected_revision": event.application.revision})
        context["incidents"] = list(selectors.incidents_of(event)[:5])
    return render(request, "eventday/dashboard.html", context)


@passive
def dashboard_live(request, pk):
    """The part of the dashboard that htmx swaps in every few seconds. Polling is not user activity: it does
    not extend the idle session, and once that has ended the whole page goes to the sign-in page."""
    if not request.user.is_authenticated:
        login = redirect_to_login(reverse("eventday:dashboard", args=[pk]), settings.LOGIN_URL)
        return HttpResponseClientRedirect(login.url) if request.htmx else login
    event = selectors.event_for_user(request.user, pk)
    return render(request, "eventday/_live.html", _live_context(request, event))


@login_required
@require_POST
def alert_acknowledge(request, pk, alert_pk):
    event = selectors.event_for_user(request.user, pk)
    alert = get_object_or_404(Alert, pk=alert_pk, zone__event=event)
    services.alert_acknowledge(alert=alert, user=request.user)
    if request.htmx:
        return render(request, "eventday/_live.html", _live_context(request, event))
    return redirect("eventday:dashboard", pk=event.pk)


@login_required
@require_POST
def session_tickets(request, pk):
    """The organizer or the security company reports the tickets issued for a session (the live one)."""
    event = selectors.event_for_user(request.user, pk)
    session = selectors.session_of_event(event, request.POST.get("session"))
    form = TicketsForm(request.POST)
    if form.is_valid():
        try:
            services.session_tickets_record(event=event, session=session, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已更新售票数。"))
            return redirect("eventday:dashboard", pk=pk)
    context = _live_context(request, event)
    context["tickets_form"] = form
    if context["may_operate"]:
        context.update(suspend_form=SuspendForm(initial={"expected_revision": event.application.revision}),
                       incidents=list(selectors.incidents_of(event)[:5]))
    return render(request, "eventday/dashboard.html", context, status=400)


@login_required
@require_POST
def event_suspend(request, pk):
    event = selectors.event_for_user(request.user, pk)
    if not selectors.user_may_operate(request.user, event):
        raise PermissionDenied(_("只有本辖区公安民警可以熔断活动。"))
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            services.event_suspend(event=event, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationConflict as conflict:  # another officer acted first
            form.add_error(None, conflict.message)
        else:
            messages.success(request, _("活动已熔断：计数停止，相关人员将收到通知。"))
            return redirect("eventday:dashboard", pk=event.pk)
    context = _live_context(request, event)
    context.update(suspend_form=form, incidents=list(selectors.incidents_of(event)[:5]))
    return render(request, "eventday/dashboard.html", context, status=400)


def _export_response(rows: list[list], *, name: str, export: str, sheet_title: str, widths=()) -> HttpResponse:
    if export == "csv":
        response = HttpResponse(exports.rows_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.rows_xlsx(rows, sheet_title=sheet_title, widths=widths), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
    return response


def _incidents_context(request, event, *, form) -> dict:
    filter_form = IncidentFilterForm(request.GET or None, event=event)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    query = request.GET.copy()
    query.pop("export", None)
    return {
        "event": event, "form": form, "filter_form": filter_form, "filters": filters,
        "incidents": list(selectors.incidents_filtered(event, **filters)[:500]),
        "resolve_form": IncidentResolveForm(),
        "export_base": f"{reverse('eventday:incidents', args=[event.pk])}?{query.urlencode()}{'&' if query else ''}",
    }


@login_required
def incidents(request, pk):
    """警务服务台 log of one event: the list (filtered, exportable) and a form to add to it — police of the
    district, and the guards of the security company named on the event (they staff its gates)."""
    event = selectors.event_for_user(request.user, pk)
    if not selectors.user_may_log_incidents(request.user, event):
        raise PermissionDenied(_("警务服务台记录仅限公安民警和本活动的保安服务公司查看。"))
    form = IncidentForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_record(event=event, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已登记。"))
            return redirect("eventday:incidents", pk=event.pk)
    export = request.GET.get("export") if request.method == "GET" else None
    if export in ("csv", "xlsx"):
        filter_form = IncidentFilterForm(request.GET, event=event)
        filters = filter_form.cleaned_data if filter_form.is_valid() else {}
        rows = list(selectors.incidents_filtered(event, **filters)[:10_000])
        title = exports.export_title(_("警务服务台记录"), _("%(name)s（%(reference)s）") % {
                                         "name": event.name, "reference": event.application.reference},
                                     _("共 %(n)s 条") % {"n": len(rows)})
        return _export_response(title + exports.incident_rows(rows), name=f"anbao-incidents-{event.pk}",
                                export=export, sheet_title="incidents",
                                widths=(17, 20, 8, 8, 8, 14, 20, 8, 40, 40, 17, 12))
    return render(request, "eventday/incidents.html", _incidents_context(request, event, form=form),
                  status=400 if form.errors else 200)


@login_required
@require_POST
def incident_resolve(request, pk, incident_pk):
    """处置中 → 已处置 with what was done."""
    event = selectors.event_for_user(request.user, pk)
    if not selectors.user_may_log_incidents(request.user, event):
        raise PermissionDenied(_("警务服务台记录仅限公安民警和本活动的保安服务公司查看。"))
    incident = get_object_or_404(Incident, pk=incident_pk, event=event)
    resolve_form = IncidentResolveForm(request.POST)
    if resolve_form.is_valid():
        try:
            services.incident_resolve(incident=incident, user=request.user, **resolve_form.cleaned_data)
        except ValidationError as error:
            _form_errors(resolve_form, error)
        else:
            messages.success(request, _("已标记为已处置。"))
            return redirect("eventday:incidents", pk=event.pk)
    context = _incidents_context(request, event, form=IncidentForm(event=event))
    context.update(resolve_form=resolve_form, resolve_incident=incident.pk)
    return render(request, "eventday/incidents.html", context, status=400)


# ---------------------------------------------------------------------------------------------- after-action review


@login_required
def after_action_review(request, pk):
    """复盘: the report built from the day's records, and (police of the district, once) the findings."""
    event = selectors.event_for_review(request.user, pk)
    available = selectors.review_available(event)
    record = selectors.after_action_review_of(event) if available else None
    may_write = available and record is None and selectors.user_may_review(request.user, event)
    form = AfterActionReviewForm(request.POST or None) if may_write else None
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("只有本辖区公安民警可以在活动办结后复盘一次。"))
        if form.is_valid():
            try:
                services.after_action_review_record(event=event, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("复盘已保存：承办单位和保安服务公司的记录已更新，其在办申请将重新评估风险。"))
                return redirect("eventday:review", pk=event.pk)
    figures = selectors.after_action_figures(event, preloaded=True) if available else None
    return render(request, "eventday/review.html", {
        "event": event, "available": available, "record": record, "form": form, "figures": figures,
    }, status=400 if form is not None and form.errors else 200)


# ---------------------------------------------------------------------------------------------- companies


def _require_registry_access(user) -> None:
    if not (user.is_police or user.is_superuser or user.has_role("security_company")):
        raise PermissionDenied(_("保安公司名录仅限公安民警和保安公司查看。"))


@login_required
def company_list(request):
    _require_registry_access(request.user)
    return render(request, "eventday/company_list.html",
                  {"companies": list(selectors.company_list_queryset(request.user))})


def _company_context(request, company, *, drill_form=None, accountability_form=None) -> dict:
    user = request.user
    events = selectors.events_visible_to(user).filter(security_company=company).select_related(
        "venue", "application").order_by("-start_at")
    may_record_drill = user.is_police or user.is_superuser or user.organisation_id == company.pk
    may_hold_accountable = user.is_police or user.is_superuser
    reviewable = selectors.events_visible_to(user, perm="approvals.review_application").filter(
        security_company=company)
    return {
        "company": company, "events": list(events),
        "drills": list(selectors.company_drills(company, user)),
        "records": list(selectors.company_accountability(company, user)),
        "drill_form": (drill_form or DrillForm(events=events)) if may_record_drill else None,
        "accountability_form": (accountability_form or AccountabilityForm(events=reviewable))
        if may_hold_accountable else None,
    }


@login_required
def company_detail(request, pk):
    _require_registry_access(request.user)
    company = selectors.company_for_user(request.user, pk)
    return render(request, "eventday/company_detail.html", _company_context(request, company))


@login_required
@require_POST
def drill_create(request, pk):
    company = selectors.company_for_user(request.user, pk)
    events = selectors.events_visible_to(request.user).filter(security_company=company)
    form = DrillForm(request.POST, events=events)
    if form.is_valid():
        try:
            services.drill_record(user=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("培训演练已登记。"))
            return redirect("eventday:company", pk=company.pk)
    return render(request, "eventday/company_detail.html",
                  _company_context(request, company, drill_form=form), status=400)


@login_required
@require_POST
def accountability_create(request, pk):
    company = selectors.company_for_user(request.user, pk)
    if not (request.user.is_police or request.user.is_superuser):
        raise PermissionDenied(_("只有公安民警可以登记回溯追责。"))
    events = selectors.events_visible_to(request.user, perm="approvals.review_application").filter(
        security_company=company)
    form = AccountabilityForm(request.POST, events=events)
    if form.is_valid():
        try:
            services.accountability_record(user=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("回溯追责记录已登记。"))
            return redirect("eventday:company", pk=company.pk)
    return render(request, "eventday/company_detail.html",
                  _company_context(request, company, accountability_form=form), status=400)


# ---------------------------------------------------------------------------------------------- statistics


@login_required
def statistics(request):
    venues = Venue.objects.filter(events__in=selectors.events_visible_to(request.user)).distinct().order_by("name")
    form = StatisticsFilterForm(request.GET or None, venues=venues)
    year = timezone.localdate().year
    bureau = venue = None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        bureau, venue = form.cleaned_data["bureau"], form.cleaned_data["venue"]
    stats = selectors.statistics_for(request.user, year=year, bureau=bureau, venue=venue)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        scope = _("，").join(str(part) for part in (bureau, venue) if part) or _("全部可见活动")
        title = exports.export_title(_("%(year)s 年度大型群众性活动安全管理统计") % {"year": year},
                                     _("范围：%(scope)s") % {"scope": scope})
        return _export_response(title + exports.statistics_rows(stats), name=f"anbao-statistics-{year}",
                                export=export, sheet_title="statistics", widths=(30, 22, 12, 18, 10, 10, 12, 12, 12))
    query = request.GET.copy()
    query.pop("export", None)
    chart = {
        "months": {"labels": [m for m, _n in stats.by_month], "values": [n for _m, n in stats.by_month],
                   "label": _("举办场次（场）")},
        "incidents": {"labels": [k for k, _n in stats.incidents_by_kind],
                      "values": [n for _k, n in stats.incidents_by_kind], "label": _("现场警情（起）")},
    }
    return render(request, "eventday/statistics.html", {
        "form": form, "stats": stats, "year": year, "chart": chart, "now": timezone.now(),
        "export_base": f"{reverse('eventday:statistics')}?{query.urlencode()}{'&' if query else ''}",
    })
