"""The printed plan's site plan figure (场地平面图): drawn inline from the application's plan, referred to by the
deployment appendix, part of the content key so an edited drawing prints a new version."""
import pytest

from plans.content import load_application, plan_content, plan_content_key
from plans.rendering import html_to_pdf, plan_html
from siteplan import services as siteplan_services
from tests.support.builder import application

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

FIELD = [[20, 10], [120, 10], [120, 130], [20, 130], [20, 10]]


def drawing(zone_name="主观众区"):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [FIELD]},
         "properties": {"kind": "audience", "key": "field", "name": zone_name}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[67, 10], [73, 10]]},
         "properties": {"kind": "gate", "key": "south", "width_m": 6}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[67, 130], [73, 130]]},
         "properties": {"kind": "gate", "key": "north", "width_m": 6}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [160, 20]},
         "properties": {"kind": "command", "key": "cmd", "name": "指挥部"}},
    ]}


@pytest.fixture
def drawn():
    app = application().build()
    siteplan_services.application_plan_save(application=app, actor=app.created_by, features=drawing())
    return app


def content_of(app):
    return plan_content(load_application(app.pk))


def test_the_pdf_of_an_application_with_a_plan_has_the_site_plan_figure(drawn, tmp_path):
    content = content_of(drawn)
    html = plan_html(content)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="site-plan"') == 1  # inline, stays sharp
    assert "见场地平面图" in html  # the deployment appendix refers to the figure
    path = tmp_path / "plan.pdf"
    path.write_bytes(html_to_pdf(html).pdf)
    text = pdf_text(path)
    assert "场地平面图" in text and "图例" in text and "主观众区" in text
    assert "容量 3,936 人" in text  # 6 m × 82 /min × 8 min, the larger exit left out


def test_without_a_plan_there_is_no_figure():
    content = content_of(application().build())
    assert content["site_plan"] is None
    html = plan_html(content)
    assert 'class="site-plan"' not in html and "见场地平面图" not in html


def test_an_edited_drawing_changes_the_content_key(drawn):
    before = plan_content_key(content_of(drawn))
    assert plan_content_key(content_of(drawn)) == before
    siteplan_services.application_plan_save(application=drawn, actor=drawn.created_by,
                                            features=drawing(zone_name="东侧观众区"))
    assert plan_content_key(content_of(drawn)) != before


def test_a_users_zone_name_is_escaped_in_the_figure():
    app = application().build()
    siteplan_services.application_plan_save(application=app, actor=app.created_by,
                                            features=drawing(zone_name="<script>alert(1)</script>"))
    html = plan_html(content_of(app))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
