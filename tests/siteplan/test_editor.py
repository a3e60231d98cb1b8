"""The site-plan editor: a background (image, or a PDF's first page) served only to those who read the plan;
the scale by two points (the drawing scaled with it); the derived deployment accepted by the organizer or the
reviewer (audited) and its posts moved; every bad input a field message in Chinese and English, with the saved
plan untouched."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from approvals.models import AuditEntry
from plans.content import load_application, plan_content
from siteplan import services
from siteplan.models import SitePlan
from tests import factories
from tests.support.builder import application, reviewer_for

from .test_api import GOOD, drawing, put, zone

pytestmark = pytest.mark.django_db


def image(fmt="PNG", size=(400, 300), colour="white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def upload(content, name="plan.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_background(client, app, content, name="plan.png", **extra):
    return client.post(f"/api/applications/{app.pk}/siteplan/background/",
                       {"background": upload(content, name)}, format="multipart", **extra)


def post_scale(client, app, a, b, distance_m, **extra):
    return client.post(f"/api/applications/{app.pk}/siteplan/scale/",
                       {"a": a, "b": b, "distance_m": distance_m}, format="json", **extra)


@pytest.fixture
def drawn():
    """A draft with the 100 × 120 m field and two 6 m gates drawn on the 200 × 150 m grid."""
    builder = application()
    app = builder.build()
    assert put(api(app.created_by), app, GOOD).status_code == 200
    return builder, app


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


# ------------------------------------------------------------------------------------------------ background


@pytest.mark.parametrize("fmt, name", [("PNG", "plan.png"), ("JPEG", "plan.jpg"), ("WEBP", "plan.webp")])
def test_an_image_becomes_the_background_and_the_height_follows_it(drawn, fmt, name):
    _builder, app = drawn
    response = post_background(api(app.created_by), app, image(fmt, (400, 300)), name)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["background_px"] == [400, 300]
    assert body["width_m"] == 200 and body["height_m"] == 150  # 200 m wide, 3:4 → 150 m
    assert body["background_url"].startswith(f"/applications/{app.pk}/siteplan/background/")
    plan = SitePlan.objects.get(application=app)
    assert plan.background_kind == "image" and plan.background.name.endswith(name.rsplit(".", 1)[1])
    assert plan.features == GOOD  # the drawing is kept


def test_a_pdf_first_page_is_rendered_to_an_image(drawn):
    _builder, app = drawn
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buffer, "PDF")
    response = post_background(api(app.created_by), app, buffer.getvalue(), "plan.pdf")
    assert response.status_code == 200, response.json()
    plan = SitePlan.objects.get(application=app)
    assert plan.background_kind == "pdf" and plan.background.name.endswith(".png")
    assert max(plan.background_width_px, plan.background_height_px) == 3000
    assert abs(plan.height_m - 150) < 0.5
    with plan.background.open("rb") as stored, Image.open(stored) as rendered:
        assert rendered.format == "PNG"


def test_the_background_is_served_to_the_plan_readers_only(client, drawn):
    builder, app = drawn
    post_background(api(app.created_by), app, image())
    url = f"/applications/{app.pk}/siteplan/background/"
    client.force_login(app.created_by)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(factories.OrganizerUserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    app = builder.filled().submitted().build()
    client.force_login(reviewer_for(app))
    assert client.get(url).status_code == 200


def test_the_page_uploads_a_background_and_names_a_bad_one_on_its_field(client, drawn):
    _builder, app = drawn
    client.force_login(app.created_by)
    url = f"/applications/{app.pk}/siteplan/background/"
    response = client.post(url, {"background": upload(b"just some text", "plan.png")})
    assert response.status_code == 400
    assert response.context["background_form"].errors["background"]
    assert not SitePlan.objects.get(application=app).background
    assert client.post(url, {"background": upload(image())}).status_code == 302
    assert SitePlan.objects.get(application=app).background_width_px == 400


def _bad_pdf():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage\n%%EOF"


def _truncated_png():
    return image("PNG", (400, 300), "red")[:200]


@pytest.mark.parametrize("content, name", [
    (b"hello, this is not an image", "plan.png"),  # not an image or PDF
    (b"GIF89a" + b"\0" * 64, "plan.gif"),  # an image of another kind
    (None, "plan.png"),  # corrupt: a truncated PNG
    (_bad_pdf(), "plan.pdf"),  # corrupt PDF
])
def test_a_bad_background_is_refused_on_its_field_in_both_languages(drawn, content, name):
    _builder, app = drawn
    content = content if content is not None else _truncated_png()
    client = api(app.created_by)
    before = SitePlan.objects.get(application=app)
    zh = post_background(client, app, content, name)
    assert zh.status_code == 400 and has_chinese(zh.json()["background"][0])
    en = post_background(client, app, content, name, HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 400 and en.json()["background"][0] and not has_chinese(en.json()["background"][0])
    after = SitePlan.objects.get(application=app)
    assert (after.revision, after.features, after.height_m, bool(after.background)) == \
        (before.revision, before.features, before.height_m, False)


def test_a_huge_background_is_refused(drawn, settings):
    _builder, app = drawn
    client = api(app.created_by)
    settings.SITEPLAN_BACKGROUND_MAX_BYTES = 1_000
    response = post_background(client, app, image("PNG", (400, 300)) + b"\0" * 2_000)
    assert response.status_code == 400 and "MB" in response.json()["background"][0]
    settings.SITEPLAN_BACKGROUND_MAX_BYTES = 15 * 1024 * 1024
    settings.SITEPLAN_BACKGROUND_MAX_PIXELS = 10_000
    response = post_background(client, app, image("PNG", (400, 300)))
    assert response.status_code == 400 and "400×300" in response.json()["background"][0]
    assert not SitePlan.objects.get(application=app).background


def test_a_background_the_drawing_no_longer_fits_is_refused(drawn):
    _builder, app = drawn
    # 200 m wide at 4:1 is 50 m high: the 120 m field would stick out.
    response = post_background(api(app.created_by), app, image("PNG", (400, 100)))
    assert response.status_code == 400 and response.json()["background"]
    plan = SitePlan.objects.get(application=app)
    assert plan.height_m == 150 and not plan.background


# ---------------------------------------------------------------------------------------------------- scale


def test_two_points_set_the_scale_and_the_drawing_follows(drawn):
    _builder, app = drawn
    client = api(app.created_by)
    post_background(client, app, image("PNG", (400, 300)))
    # 100 px apart are 25 m: the background is 100 m × 75 m, the drawing halves (factor 0.5).
    response = post_scale(client, app, [0, 0], [100, 0], 25)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["width_m"] == 100 and body["height_m"] == 75
    assert body["scale"]["metres_per_px"] == 0.25
    field = body["features"]["features"][0]["geometry"]["coordinates"][0]
    assert field[2] == [50, 60]
    gate_ = body["features"]["features"][1]
    assert gate_["geometry"]["coordinates"] == [[23.5, 0], [26.5, 0]]
    assert gate_["properties"]["width_m"] == 6  # a typed width is a measure, not drawing: kept
    assert body["figures"]["zones"][0]["area_m2"] == pytest.approx(3_000)


def test_on_a_blank_grid_the_points_are_in_metres(drawn):
    _builder, app = drawn
    response = post_scale(api(app.created_by), app, [0, 0], [100, 0], 200)
    assert response.status_code == 200
    assert response.json()["width_m"] == 400 and response.json()["height_m"] == 300


@pytest.mark.parametrize("a, b, distance, field", [
    ([0, 0], [100, 0], 0, "distance_m"),
    ([0, 0], [100, 0], -5, "distance_m"),
    ([10, 10], [10, 10], 25, "points"),
    ([0, 0], [900, 0], 25, "points"),  # outside the 400 × 300 px background
])
def test_a_bad_scale_is_refused_and_nothing_moves(drawn, a, b, distance, field):
    _builder, app = drawn
    client = api(app.created_by)
    post_background(client, app, image("PNG", (400, 300)))
    before = SitePlan.objects.get(application=app)
    response = post_scale(client, app, a, b, distance, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not has_chinese(response.json()[field][0])
    zh = post_scale(client, app, a, b, distance)
    assert has_chinese(zh.json()[field][0])
    after = SitePlan.objects.get(application=app)
    assert (after.width_m, after.height_m, after.features, after.revision) == \
        (before.width_m, before.height_m, before.features, before.revision)


def test_the_page_scale_form_names_the_field(client, drawn):
    _builder, app = drawn
    client.force_login(app.created_by)
    url = f"/applications/{app.pk}/siteplan/scale/"
    response = client.post(url, {"point_a": "0,0", "point_b": "0,0", "distance_m": "10"})
    assert response.status_code == 400 and response.context["scale_form"].errors["point_b"]
    response = client.post(url, {"point_a": "0,0", "point_b": "50,0", "distance_m": "0"})
    assert response.context["scale_form"].errors["distance_m"]
    assert client.post(url, {"point_a": "0,0", "point_b": "50,0", "distance_m": "100"}).status_code == 302
    assert SitePlan.objects.get(application=app).width_m == 400


# ---------------------------------------------------------------------------------------------- who and when


def test_another_organisation_cannot_upload_scale_or_accept(drawn):
    _builder, app = drawn
    outsider = api(factories.OrganizerUserFactory())
    assert post_background(outsider, app, image()).status_code == 404
    assert post_scale(outsider, app, [0, 0], [10, 0], 5).status_code == 404
    assert outsider.post(f"/api/applications/{app.pk}/siteplan/deployment/accept/").status_code == 404
    plan = SitePlan.objects.get(application=app)
    assert plan.revision == 1 and not plan.background


def test_after_submission_the_organizer_cannot_change_background_or_scale(drawn):
    builder, app = drawn
    app = builder.filled().submitted().build()
    client = api(app.created_by)
    assert post_background(client, app, image()).status_code == 403
    assert post_scale(client, app, [0, 0], [10, 0], 5).status_code == 403
    assert client.post(f"/api/applications/{app.pk}/siteplan/deployment/accept/").status_code == 403
    plan = SitePlan.objects.get(application=app)
    assert plan.revision == 1 and not plan.background and plan.width_m == 200


def test_self_intersecting_and_a_gate_outside_every_zone_on_the_page_form(client, drawn):
    _builder, app = drawn
    client.force_login(app.created_by)
    response = client.post(f"/applications/{app.pk}/siteplan/", {
        "kind": "gate", "name": "野门", "coordinates": "150,140; 155,140", "width_m": "4", "gate_kind": "level",
        "role": "both"})
    assert response.context["form"].errors["coordinates"]
    assert "出入口不在任何区域的边界上" in response.content.decode()
    assert SitePlan.objects.get(application=app).features == GOOD


# ------------------------------------------------------------------------------------------------ deployment


def test_the_organizer_accepts_the_derived_deployment(client, drawn):
    _builder, app = drawn
    required = SitePlan.objects.get(application=app).figures["required_posts"]
    client.force_login(app.created_by)
    page = client.get(f"/applications/{app.pk}/siteplan/").content.decode()
    assert 'data-testid="siteplan-accept"' in page and 'data-testid="siteplan-shortfall"' in page
    assert client.post(f"/applications/{app.pk}/siteplan/deployment/accept/").status_code == 302
    plan = SitePlan.objects.get(application=app)
    posts = [f for f in plan.features["features"] if f["properties"]["kind"] in ("command", "fixed", "patrol",
                                                                                 "mobile")]
    assert len(posts) == len(required) and plan.figures["shortfall"] == {}
    assert all(f["properties"]["proposed"] for f in posts)
    entry = AuditEntry.objects.filter(application=app, event=AuditEntry.Event.EDITED).latest("pk")
    assert entry.actor == app.created_by and entry.snapshot["posts_added"]["fixed"] == 2
    page = client.get(f"/applications/{app.pk}/siteplan/").content.decode()
    assert 'data-testid="siteplan-shortfall"' not in page
    # Accepting again adds nothing: a field message, the plan as it was.
    response = client.post(f"/applications/{app.pk}/siteplan/deployment/accept/")
    assert response.status_code == 400 and "全部警力点位" in response.content.decode()
    assert SitePlan.objects.get(application=app).revision == plan.revision


def test_accepting_tops_up_what_is_drawn(drawn):
    _builder, app = drawn
    client = api(app.created_by)
    mine = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [150, 10]},
            "properties": {"kind": "command", "key": "cp", "name": "指挥部"}}
    put(client, app, {"type": "FeatureCollection", "features": [*GOOD["features"], mine]})
    response = client.post(f"/api/applications/{app.pk}/siteplan/deployment/accept/")
    assert response.status_code == 200
    kinds = [f["properties"]["kind"] for f in response.json()["features"]["features"]]
    assert kinds.count("command") == 1 and response.json()["figures"]["shortfall"] == {}


def test_the_reviewer_accepts_and_moves_posts_but_nothing_else(client, drawn):
    builder, app = drawn
    app = builder.filled().submitted().build()
    reviewer = reviewer_for(app)
    police = api(reviewer)
    response = police.post(f"/api/applications/{app.pk}/siteplan/deployment/accept/")
    assert response.status_code == 200, response.json()
    assert response.json()["may_place_posts"] and not response.json()["editable"]
    assert AuditEntry.objects.filter(application=app, actor=reviewer, event=AuditEntry.Event.EDITED).count() == 1
    features = response.json()["features"]
    # Moving a post through the whole drawing: allowed, audited.
    moved = [dict(f) for f in features["features"]]
    index = next(i for i, f in enumerate(moved) if f["properties"]["kind"] == "mobile")
    moved[index] = {**moved[index], "geometry": {"type": "Point", "coordinates": [30, 30]}}
    response = put(police, app, {"type": "FeatureCollection", "features": moved})
    assert response.status_code == 200, response.json()
    assert AuditEntry.objects.filter(application=app, actor=reviewer, event=AuditEntry.Event.EDITED).count() == 2
    # Changing the field itself: refused, the plan as it was.
    changed = [zone("field", [[0, 0], [90, 0], [90, 120], [0, 120], [0, 0]]), *moved[1:]]
    revision = SitePlan.objects.get(application=app).revision
    assert put(police, app, drawing(*changed)).status_code == 403
    assert SitePlan.objects.get(application=app).revision == revision
    # The keyboard way of moving a post, with a position off the plan named on its field.
    client.force_login(reviewer)
    key = moved[index]["properties"]["key"]
    response = client.post(f"/applications/{app.pk}/siteplan/posts/move/", {"post": key, "coordinates": "500,500"})
    assert response.status_code == 400 and response.context["move_form"].errors["coordinates"]
    assert client.post(f"/applications/{app.pk}/siteplan/posts/move/",
                       {"post": key, "coordinates": "40,40"}).status_code == 302
    plan = SitePlan.objects.get(application=app)
    assert next(f for f in plan.features["features"] if f["properties"]["key"] == key)["geometry"][
        "coordinates"] == [40, 40]


def test_a_culture_official_cannot_accept(drawn):
    from tests.support.builder import culture_official

    builder, app = drawn
    app = builder.filled().submitted().build()
    assert api(culture_official()).post(f"/api/applications/{app.pk}/siteplan/deployment/accept/").status_code == 404


def test_the_shortfall_is_in_the_security_plan_section_three(drawn):
    builder, app = drawn
    content = plan_content(load_application(app.pk))
    shortfall = content["site_plan"]["shortfall"]
    assert {row["kind"] for row in shortfall} >= {"fixed", "mobile", "command"}
    assert next(r for r in shortfall if r["kind"] == "fixed")["missing"] == 2
    services.deployment_accept(application=app, actor=app.created_by)
    assert plan_content(load_application(app.pk))["site_plan"]["shortfall"] == []



def test_the_printed_figure_has_the_background_under_the_drawing(drawn):
    from plans.rendering import background_data_uri, site_plan_figure

    _builder, app = drawn
    post_background(api(app.created_by), app, image("PNG", (400, 300)))
    site_plan = plan_content(load_application(app.pk))["site_plan"]
    assert site_plan["background"].endswith(".png")
    svg = site_plan_figure(site_plan)
    assert '<image class="background"' in svg and 'href="data:image/jpeg;base64,' in svg
    assert svg.index('class="background"') < svg.index('class="feature"')  # under the layers
    assert background_data_uri("siteplans/missing.png") == ""  # a lost file prints the drawing alone
