"""What goes into the plan: the content dict, its key, and the HTML drawn from it."""

from approvals.models import PlanSection
from plans.charts import dimension_chart_svg
from plans.content import chinese_numeral, load_application, plan_content, plan_content_key
from plans.rendering import plan_html
from tests import factories

from .factories import STRUCK_REASON, STRUCK_SONG


def _content(application):
    return plan_content(load_application(application.pk))


def test_chinese_numerals_number_the_chapters():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21)] == ["一", "九", "十", "十一", "二十", "二十一"]


def test_struck_song_is_left_out_of_the_lineup_and_listed_with_its_reason(approved):
    application, _people = approved
    lineup = _content(application)["lineup"]
    assert all(STRUCK_SONG not in performer["songs"] for performer in lineup["performers"])
    assert "湖边的晚风" in lineup["performers"][0]["songs"]
    assert [(s["name"], s["reason"]) for s in lineup["struck"]] == [(STRUCK_SONG, STRUCK_REASON)]


def test_content_carries_permit_sections_parties_and_deferred_commitments(approved):
    application, _people = approved
    content = _content(application)
    assert content["permit"]["number"] == application.permit.number
    assert [s["number"] for s in content["sections"]] == list(range(1, 12))
    assert len(content["parties"]) == 5
    assert all(item["acknowledged"] for item in content["parties"][0]["items"])
    assert content["deferred_documents"] and all(d["due_date"] for d in content["deferred_documents"])


def test_content_key_is_stable_and_follows_the_data(approved):
    application, people = approved
    first = plan_content_key(_content(application))
    assert plan_content_key(_content(application)) == first
    entry = application.sections.select_related("section").get(section__code="emergency")
    entry.narrative = "新增夜间疏散演练。"
    entry.save()
    assert plan_content_key(_content(application)) != first


def test_draft_without_permit_or_assessment_prints_notes_instead(organizer):
    application = factories.create_application(organizer)
    content = _content(application)
    assert content["permit"] is None
    content["risk"] = None  # as before the risk model ran
    html = plan_html(content)
    assert "尚未评估" in html and "尚未发放许可证" in html and "预览稿" in html


def test_every_section_title_and_field_label_is_in_the_html(approved):
    application, _people = approved
    html = plan_html(_content(application))
    for section in PlanSection.objects.filter(version=application.catalogue):
        assert section.title_zh in html
        for field in section.fields:
            assert field["label_zh"] in html


def test_loading_the_plan_takes_a_fixed_number_of_queries(approved, django_assert_max_num_queries):
    application, _people = approved
    with django_assert_max_num_queries(14):
        _content(application)


def test_dimension_chart_is_an_svg_with_escaped_cjk_labels():
    svg = dimension_chart_svg([("组织管理", 42.5), ("交通<x>", 40), ("场所", 13), ("演出", 59.2)])
    assert svg.startswith("<svg") and "组织管理 42.5" in svg and "交通&lt;x&gt;" in svg
    assert "Noto Sans CJK SC" in svg
    assert "<rect" in dimension_chart_svg([("组织管理", 42.5)])  # bars below three dimensions
