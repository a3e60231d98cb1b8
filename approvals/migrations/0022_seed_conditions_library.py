"""The standard permit conditions (许可条件库) and the decision templates, as data (edited in the admin)."""
from django.db import migrations

CONDITIONS = [
    # text, event kind ("" every kind), security level ("" every level), ordering
    ("活动开始前 2 小时完成安检设施、消防设施和应急通道的检查，检查记录报属地公安机关备查。", "", "", 10),
    ("现场须设置医疗救护点，配备救护车及医护人员，活动期间全程值守。", "", "", 20),
    ("演出期间舞台前区须设置缓冲区和隔离护栏，安排专人值守，严禁观众翻越。", "music_festival", "", 30),
    ("演出结束后分区分批疏散观众，疏散完毕前不得撤除引导和安保力量。", "music_festival", "", 40),
    ("赛道沿线每公里设置不少于 1 个医疗点和补给点，配备自动体外除颤器（AED）。", "sports", "", 50),
    ("赛事期间交通管制路段须提前 3 日向社会公告，并设置绕行指示。", "sports", "", 60),
    ("灯组、展台等临时搭建设施须经具有资质的单位验收合格后方可使用。", "lantern_festival", "", 70),
    ("营地内禁止使用明火，炊事区须单独设置并配备灭火器材。", "camping", "", 80),
    ("活动现场须设置指挥部，由分局指派民警驻场指挥，安保力量服从现场指挥。", "", "一级", 90),
    ("活动现场须设置指挥部，由分局指派民警驻场指挥，安保力量服从现场指挥。", "", "二级", 91),
]

TEMPLATES = [
    ("permit", "opening", "{organisation}：你单位申请于 {start} 至 {end} 在{venue}举办的“{event}”，经审查，符合《大型群众性"
                          "活动安全管理条例》规定的安全条件，准予举办，许可人数 {attendance} 人。请遵守下列许可条件："),
    ("permit", "closing", "如对本决定不服，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"),
    ("refusal", "opening", "{organisation}：你单位申请于 {start} 至 {end} 在{venue}举办的“{event}”，经审查，决定不予许可。"
                           "理由如下："),
    ("refusal", "closing", "如对本决定不服，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"),
]


def forwards(apps, schema_editor):
    ConditionTemplate = apps.get_model("approvals", "ConditionTemplate")
    DecisionTemplate = apps.get_model("approvals", "DecisionTemplate")
    if not ConditionTemplate.objects.exists():
        ConditionTemplate.objects.bulk_create([
            ConditionTemplate(text=text, event_kind=kind, security_level=level, ordering=ordering)
            for text, kind, level, ordering in CONDITIONS])
    for kind, block, text in TEMPLATES:
        DecisionTemplate.objects.get_or_create(kind=kind, block=block, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("approvals", "0021_opinions_conditions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
