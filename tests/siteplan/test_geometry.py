"""Site-plan geometry, hand-computed: a 100 × 120 m audience area with a 6 m exit in the middle of each side."""
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskassess.facts import CrowdParameters
from siteplan import geometry as g

CROWD = CrowdParameters()  # 2 persons/m², 82 persons per metre per minute on the level
FIELD = ((0, 0), (100, 0), (100, 120), (0, 120))
EXITS = [
    g.Gate("south", (47, 0), (53, 0), 6, zones=("field",)),
    g.Gate("north", (47, 120), (53, 120), 6, zones=("field",)),
    g.Gate("west", (0, 57), (0, 63), 6, zones=("field",)),
    g.Gate("east", (100, 57), (100, 63), 6, zones=("field",)),
]


def test_the_field_hand_computed():
    figures = g.zone_figures(g.Zone("field", "audience", FIELD), EXITS, crowd_params=CROWD, egress_limit_minutes=8)
    assert figures.area_m2 == 12_000
    assert figures.capacity_by_area == 24_000  # 12,000 m² × 2 persons/m²
    # Largest exit left out: 18 m × 82 /min × 8 min = 11,808 — the exits, not the area, set the capacity.
    assert figures.capacity_by_exits == 11_808
    assert figures.capacity == 11_808
    assert figures.egress_minutes == pytest.approx(24_000 / (24 * 82))  # 12.2 min with all four exits
    assert figures.egress_minutes_without_largest == pytest.approx(24_000 / (18 * 82))  # 16.3 min
    # The farthest point is near the centre, not in a corner (47 m): on x = 50 the walk north (120 − y) equals
    # the walk to the west exit's top end √(50² + (y − 63)²) at y = 7931 / 114, so d = 120 − y ≈ 50.43 m.
    assert figures.farthest_from_exit_m == pytest.approx(120 - 7931 / 114, abs=0.3)


def test_without_an_exit_nobody_can_leave():
    figures = g.zone_figures(g.Zone("field", "audience", FIELD), [], crowd_params=CROWD, egress_limit_minutes=8)
    assert figures.capacity == 0 and math.isinf(figures.farthest_from_exit_m)


@pytest.mark.parametrize("outline, error", [
    (((0, 0), (10, 0)), "too_few_points"),
    (((0, 0), (10, 10), (10, 0), (0, 10)), "self_intersecting"),  # a bow tie
    (((0, 0), (10, 0), (20, 0)), "zero_area"),
    (((0, 0), (10, 0), (10, 10), (0, 10), (0, 0)), None),  # closed rings are fine
])
def test_outline_errors(outline, error):
    assert g.outline_errors(outline) == ([error] if error else [])


def test_deployment_from_the_drawing():
    zones = [g.Zone("core", "core", ((30, 40), (70, 40), (70, 80), (30, 80))),
             g.Zone("warning", "warning", ((10, 10), (90, 10), (90, 110), (10, 110))),
             g.Zone("control", "control", FIELD)]
    posts = g.derive_deployment(zones, EXITS, attendance=11_000, crowd_params=CROWD)
    kinds = [p.kind for p in posts]
    assert kinds.count("fixed") == 4  # one at every gate
    assert kinds.count("patrol") == math.ceil(440 / 100)  # the control ring's real perimeter, a post per 100 m
    assert kinds.count("mobile") == 5  # at least five (11,000 / 5,000 → 3)
    command = next(p for p in posts if p.kind == "command")
    core = g.polygon(zones[0].outline)
    assert not core.contains(g.Point(command.at))  # outside the core
    assert g.polygon(FIELD).covers(g.Point(command.at))
    assert g.shortfall(posts, [p for p in posts if p.kind != "mobile"]) == {"mobile": 5}


widths = st.lists(st.floats(min_value=0.5, max_value=20), min_size=1, max_size=8)
# A busy CI machine makes input generation look slow; the properties, not the timing, are under test.
robust = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@robust
@given(widths, st.floats(min_value=0.5, max_value=20), st.integers(min_value=1, max_value=100_000))
def test_adding_an_exit_never_raises_egress_time(existing, extra, people):
    exits = [g.Gate(str(i), (0, 0), (w, 0), w) for i, w in enumerate(existing)]
    more = exits + [g.Gate("extra", (0, 0), (extra, 0), extra)]
    for discount in (False, True):
        assert g.egress_minutes(people, more, crowd_params=CROWD, discount_largest=discount) <= \
            g.egress_minutes(people, exits, crowd_params=CROWD, discount_largest=discount) + 1e-9


@robust
@given(widths, st.integers(min_value=1, max_value=100_000))
def test_discounting_the_largest_exit_never_lowers_egress_time(existing, people):
    exits = [g.Gate(str(i), (0, 0), (w, 0), w) for i, w in enumerate(existing)]
    assert g.egress_minutes(people, exits, crowd_params=CROWD, discount_largest=True) >= \
        g.egress_minutes(people, exits, crowd_params=CROWD)


@robust
@given(st.floats(min_value=-1e4, max_value=1e4), st.floats(min_value=-1e4, max_value=1e4))
def test_area_is_invariant_under_translation(dx, dy):
    shape = ((0, 0), (100, 0), (130, 60), (40, 120), (-10, 50))
    moved = tuple((x + dx, y + dy) for x, y in shape)
    assert g.area_m2(moved) == pytest.approx(g.area_m2(shape), rel=1e-9)
