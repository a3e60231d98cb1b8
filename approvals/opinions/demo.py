"""Demo for department opinions: the 湖滨 bureau asks 湖滨区消防救援大队 and 湖滨交警大队 about 湖滨草莓音乐节; the
fire department has answered 附条件同意 with a condition, traffic has not yet (the approval is blocked).

A load_demo hook (approvals.management.commands.load_demo, DEMO_HOOKS); idempotent: nothing once asked."""
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from events.models import Authority

from ..demo import core as demo
from ..models import Application
from ..workflow.states import state_has
from . import services
from .models import OpinionRequest

FIRE, TRAFFIC = "湖滨区消防救援大队", "湖滨交警大队"
FIRE_CONDITION = "舞台两侧及主通道每 50 米设置推车式灭火器 2 具，消防车通道全程保持 4 米以上净宽。"


def load_demo(stdout) -> None:
    festival = Application.objects.select_related("event", "district").filter(event__name=demo.FESTIVAL).first()
    reviewer = User.objects.filter(username="reviewer").first()
    fire_official = User.objects.filter(username="fire").first()
    if festival is None or reviewer is None or fire_official is None or not state_has(festival.state, "deciding"):
        return
    if OpinionRequest.objects.filter(application=festival).exists():
        return
    departments = list(Authority.objects.filter(name__in=(FIRE, TRAFFIC)).order_by("name"))
    asked = services.opinions_request(application=festival, actor=reviewer, departments=departments,
                                      due_date=timezone.localdate() + timedelta(days=5),
                                      note="请重点审查舞台区消防设施和散场时段周边道路交通组织。")
    fire = next(o for o in asked if o.department.name == FIRE)
    services.opinion_answer(opinion=fire, actor=fire_official, verdict=OpinionRequest.Verdict.CONDITIONAL,
                            reasons="消防安全方案基本可行，舞台区灭火器材配置不足。", conditions=[FIRE_CONDITION])
    stdout.write(f"  部门意见演示：{demo.FESTIVAL} → 消防附条件同意，交警待答复")
