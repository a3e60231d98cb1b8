"""The catalogue declares the plan fields the risk model reads: each such field of a PlanSection gets
`"risk_input": "<fact>"` (approvals.risk builds the facts from these declarations, not from guessed keys).
Added to every existing catalogue version whose field still has the seeded key. Kept in riskassess (which owns
the facts) so the approvals migrations stay linear; it only touches approvals.PlanSection.fields."""
from django.db import migrations

# The seeded keys and the fact each one feeds (as in approvals/catalogue/seed.py, frozen here).
RISK_INPUTS = {
    "security_staff_total": "security_staff_total", "fixed_posts": "fixed_posts", "patrol_posts": "patrol_posts",
    "mobile_points": "mobile_points", "core_area_m2": "core_area_m2", "warning_area_m2": "warning_area_m2",
    "control_area_m2": "control_area_m2", "real_name_tickets": "real_name_tickets",
    "public_sale_percent": "public_sale_percent", "refund_mechanism": "refund_mechanism",
    "parking_spaces_arranged": "parking_spaces_arranged", "shuttle_buses": "shuttle_buses",
    "road_closures": "road_closures",
}


def declare(apps, schema_editor):
    PlanSection = apps.get_model("approvals", "PlanSection")
    for section in PlanSection.objects.all():
        fields, changed = list(section.fields or []), False
        for field in fields:
            fact = RISK_INPUTS.get(field.get("key"))
            if fact and not field.get("risk_input"):
                field["risk_input"] = fact
                changed = True
        if changed:
            section.fields = fields
            section.save(update_fields=["fields"])


class Migration(migrations.Migration):
    dependencies = [("riskassess", "0004_stale_assessment"), ("approvals", "0003_seed_catalogue")]
    operations = [migrations.RunPython(declare, migrations.RunPython.noop)]
