"""The calendar in a real browser: a week with two events at one venue at overlapping times, their day over the
district's police force: the reviewer sees both the conflict and the oversubscription, at desktop and phone width."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.approvals.test_calendar_page import day_at, row

from .conftest import MOBILE, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_week_with_two_events_at_one_venue_shows_both_warnings(browser_page, live_server):
    page = browser_page
    district = factories.DistrictBureauFactory(available_police=30)
    venue = factories.VenueFactory(district=district, owner=factories.OrganisationFactory())
    start = day_at(20, 19)
    row(venue, start=start, name="草坪音乐会")
    row(venue, start=start + timedelta(hours=1), name="草坪电影夜")
    reviewer = factories.ReviewerFactory(authority=district, username="calendar-reviewer")
    login(page, live_server, reviewer.username, factories.PASSWORD)
    local_day = timezone.localtime(start).date()  # the calendar's days are Beijing days, not UTC ones
    page.goto(f"{live_server.url}{reverse('calendar:month')}?week={local_day.isoformat()}")
    day = page.get_by_test_id(f"day-{local_day.isoformat()}")
    expect(day).to_contain_text("草坪音乐会")
    expect(day).to_contain_text("草坪电影夜")
    expect(day.get_by_test_id("oversubscribed")).to_be_visible()
    expect(day.get_by_test_id("conflict-same-venue")).to_have_count(2)
    page.set_viewport_size(MOBILE)
    expect(day.get_by_test_id("oversubscribed")).to_be_visible()
    wide = page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392).map(e => e.tagName + '.' + e.className).slice(0, 5)")
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"] + 1, wide
