"""Risk model fixes in the catalogue (every version whose sections still have the seeded codes):
- section 8 (traffic): the parking figure is the spaces available for the event, the venue's own included
  (counted once, no longer added to the venue's; empty: the venue's own), and a new field, the share of attendees
  arriving by car (%), read by the risk model instead of the fixed 30 % (which stays the model's default);
- section 11 (emergency): "heat measures in place" — the plan statement that waives the heat rule's fuse flag.
Labels and fields are frozen here as they are in approvals/catalogue/seed.py."""
from django.db import migrations

PARKING = {"label_zh": "活动可用停车位（含场所自有车位）",
           "label_en": "Parking spaces available for the event (the venue's own included)", "required": False}
CAR_SHARE = {"key": "car_share_percent", "label_zh": "驾车到场观众比例（%）",
             "label_en": "Share of attendees arriving by car (%)", "type": "decimal", "required": False, "min": 0,
             "max": 100, "risk_input": "car_share_percent"}
HEAT = {"key": "heat_measures", "label_zh": "已落实高温应对措施（开赛时间避开高温、补水和医疗点、高温中止规则）",
        "label_en": "Heat measures in place (start time out of the heat, water and medical points, a stop rule)",
        "type": "bool", "required": False, "risk_input": "heat_measures"}


def add_fields(apps, schema_editor):
    PlanSection = apps.get_model("approvals", "PlanSection")
    for section in PlanSection.objects.filter(code__in=["traffic", "emergency"]):
        fields = [dict(field) for field in section.fields or []]
        keys = {field.get("key") for field in fields}
        if section.code == "traffic":
            for field in fields:
                if field.get("key") == "parking_spaces_arranged":
                    field.update(PARKING)
            if CAR_SHARE["key"] not in keys:
                at = next((i + 1 for i, f in enumerate(fields) if f.get("key") == "parking_spaces_arranged"),
                          len(fields))
                fields.insert(at, dict(CAR_SHARE))
        elif HEAT["key"] not in keys:
            fields.append(dict(HEAT))
        if fields != section.fields:
            section.fields = fields
            section.save(update_fields=["fields"])


class Migration(migrations.Migration):
    dependencies = [("approvals", "0013_audit_events_of_the_law_issue")]
    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
