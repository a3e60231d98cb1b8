"""The revision diff on its own: plain snapshots in, changes out (approvals.workflow.revisions has no Django)."""
from approvals.workflow.revisions import ADDED, CHANGED, REMOVED, Change, changed_items, diff


def item(label, **values):
    return {"label": label, "values": values}


BEFORE = {
    "field": {"expected_attendance": item("预计人数", value=3000), "name": item("活动名称", value="湖畔音乐会")},
    "section": {"fire_safety": item("4. 消防安全措施", fire_extinguishers=20, narrative="按方案执行。")},
    "document": {"liability_insurance": item("公众责任保险", version=1, file="保险.pdf", status="provided")},
    "performer": {"7": item("晴天乐队", name="晴天乐队", vetting_status="approved")},
    "song": {"9": item("《夜行者》", title="夜行者", vetting_status="struck"),
             "10": item("《湖边》", title="湖边", vetting_status="approved")},
}


def test_identical_snapshots_have_no_changes():
    assert diff(BEFORE, BEFORE) == []
    assert diff({}, {}) == []


def test_a_changed_value_is_old_to_new_per_field_and_per_section_text():
    after = {**BEFORE,
             "field": {**BEFORE["field"], "expected_attendance": item("预计人数", value=2500)},
             "section": {"fire_safety": item("4. 消防安全措施", fire_extinguishers=20, narrative="增设两个消防点。")}}
    assert diff(BEFORE, after) == [
        Change("field", "expected_attendance", "预计人数", CHANGED, "value", 3000, 2500),
        Change("section", "fire_safety", "4. 消防安全措施", CHANGED, "narrative", "按方案执行。", "增设两个消防点。"),
    ]


def test_a_new_document_version_shows_version_and_file():
    after = {**BEFORE, "document": {"liability_insurance": item("公众责任保险", version=2, file="保险-新.pdf",
                                                                 status="provided")}}
    assert [(c.field, c.old, c.new) for c in diff(BEFORE, after)] == [("version", 1, 2), ("file", "保险.pdf", "保险-新.pdf")]


def test_items_added_and_removed_are_listed_with_their_names():
    after = {**BEFORE, "song": {"9": BEFORE["song"]["9"], "11": item("《新歌》", title="新歌", vetting_status="pending")}}
    changes = diff(BEFORE, after)
    assert [(c.kind, c.key, c.label, c.change) for c in changes] == [
        ("song", "11", "《新歌》", ADDED), ("song", "10", "《湖边》", REMOVED)]
    assert changed_items(changes) == [("song", "11"), ("song", "10")]


def test_a_kind_missing_on_one_side_counts_its_items_as_added_or_removed():
    changes = diff({"field": BEFORE["field"]}, {"field": BEFORE["field"], "session": {"1": item("第1场", start_at="x")}})
    assert [(c.kind, c.change) for c in changes] == [("session", ADDED)]
    changes = diff({"session": {"1": item("第1场")}}, {})
    assert [(c.kind, c.change) for c in changes] == [("session", REMOVED)]


def test_empty_and_none_are_alike_and_lists_compare_in_any_order():
    before = {"field": {"description": item("活动内容", value=None), "co_organisers": item("联合", value=["甲", "乙"])}}
    after = {"field": {"description": item("活动内容", value=""), "co_organisers": item("联合", value=["乙", "甲"])}}
    assert diff(before, after) == []
    after["field"]["co_organisers"] = item("联合", value=["乙"])
    assert [(c.key, c.old, c.new) for c in diff(before, after)] == [("co_organisers", ["甲", "乙"], ["乙"])]


def test_kinds_come_in_the_catalogue_order_and_a_renamed_item_carries_its_new_name():
    before = {"song": {"9": item("《夜行者》", title="夜行者")}, "field": {"name": item("活动名称", value="A")}}
    after = {"song": {"9": item("《夜归人》", title="夜归人")}, "field": {"name": item("活动名称", value="B")}}
    changes = diff(before, after)
    assert [c.kind for c in changes] == ["field", "song"]
    assert changes[1].label == "《夜归人》"


def test_a_value_only_in_the_older_snapshot_is_a_change_to_nothing():
    changes = diff({"party": {"sponsor": item("主办方", phone="138")}}, {"party": {"sponsor": item("主办方")}})
    assert [(c.field, c.old, c.new) for c in changes] == [("phone", "138", None)]
