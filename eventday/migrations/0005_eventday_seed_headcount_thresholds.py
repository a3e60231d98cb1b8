"""Seed the lines of the approved headcount (Order 505 Art. 18: ticket checks stop at the approved number)."""
from django.db import migrations

LINES = [
    # percent, re-arm margin (points), instruction (zh, en)
    (80, 2, "预警：在场人数已达核准人数的80%，启动分流限流预案，做好停止检票准备。",
     "Warning: 80 % of the approved headcount on site; start the crowd-control plan and prepare to stop ticket checks."),
    (95, 2, "限流：在场人数已达核准人数的95%，关闭下列入口，仅保留必要通道，准备停止检票。",
     "Restrict entry: 95 % of the approved headcount on site; close the gates below and prepare to stop ticket checks."),
    (100, 2, "停止检票入场：在场人数已达核准人数（《大型群众性活动安全管理条例》第十八条），立即关闭下列入口。",
     "Stop ticket checks: the approved headcount is reached (Order 505 Art. 18); close the gates below now."),
]


def seed(apps, schema_editor):
    HeadcountThreshold = apps.get_model("eventday", "HeadcountThreshold")
    for percent, margin, zh, en in LINES:
        HeadcountThreshold.objects.get_or_create(percent=percent, defaults={
            "rearm_margin_percent": margin, "instruction_zh": zh, "instruction_en": en})


class Migration(migrations.Migration):
    dependencies = [("eventday", "0004_eventday_headcount")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
