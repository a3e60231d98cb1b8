"""The calendar page (police): a month by default, a week with ?week=YYYY-MM-DD (any day of that week)."""
import calendar as pycal
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from . import services


def _parse(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
def calendar_page(request):
    if not (request.user.is_police or request.user.is_superuser):
        raise PermissionDenied
    today = timezone.localdate()
    week = _parse(request.GET.get("week"))
    if week is not None:
        first = week - timedelta(days=week.weekday())
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
        mode = "week"
    else:
        month = _parse((request.GET.get("month") or "") + "-01") or today.replace(day=1)
        first = month.replace(day=1)
        last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
        previous, following = (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)
        mode = "month"
    cal = services.calendar_for(request.user, first, last)
    days = [{"day": d.day, "sessions": [(s, cal.conflicts.get(s.key, [])) for s in d.sessions],
             "districts": d.districts, "oversubscribed": d.oversubscribed} for d in cal.days]
    return render(request, "calendar/calendar.html", {
        "mode": mode, "first": first, "last": last, "days": days, "previous": previous, "following": following,
        "today": today})
