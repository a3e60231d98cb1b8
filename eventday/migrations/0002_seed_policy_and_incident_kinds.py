"""Seed the monitoring thresholds (warning 80 %, stop admission 95 % of safe capacity) and the incident kinds."""
from django.db import migrations

INCIDENT_KINDS = [
    # code, Chinese, English, is a violation
    ("dispute_mediated", "纠纷调解", "Dispute mediated", False),
    ("help_request", "群众求助", "Request for help", False),
    ("fence_climbing", "违规翻越围栏", "Fence climbing", True),
    ("prohibited_items", "投掷违禁物品", "Throwing prohibited items", True),
    ("face_recognition_suspect", "人脸识别发现嫌疑人员", "Suspect found by face recognition", True),
    ("counter_drone", "反无人机处置", "Counter-drone action", False),
    ("lost_and_found", "失物招领", "Lost and found", False),
    ("medical", "医疗救助", "Medical assistance", False),
    ("other", "其他", "Other", False),
]


def seed(apps, schema_editor):
    OccupancyPolicy = apps.get_model("eventday", "OccupancyPolicy")
    IncidentKind = apps.get_model("eventday", "IncidentKind")
    if not OccupancyPolicy.objects.exists():
        OccupancyPolicy.objects.create(label="默认（预警80%，停止入场95%）", is_current=True, warning_percent=80,
                                       stop_admission_percent=95, rearm_margin_percent=0, default_safe_density=2,
                                       live_margin_minutes=180, clock_skew_seconds=300)
    for order, (code, zh, en, violation) in enumerate(INCIDENT_KINDS, start=1):
        IncidentKind.objects.get_or_create(code=code, defaults={
            "name_zh": zh, "name_en": en, "is_violation": violation, "order": order})


class Migration(migrations.Migration):
    dependencies = [("eventday", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
