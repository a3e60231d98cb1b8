"""Everything the printed plan shows, gathered from the database into plain data, and its content key.

The content dict is the single input of the template, so its sha256 (the content key) says exactly whether
two renders would print the same document. Values are already formatted text: dates in the local time zone,
labels in the active language. Data from work that may not exist yet (the permit, the risk assessment) is
read defensively and left out when absent; the template then prints a note instead of the section.
"""
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application, ApplicationDocument, PartyAssignment, SectionEntry
from approvals.applications.requirements import requirements_for
from approvals.applications.sections import field_label
from approvals.verification.services import verification_code_display, verification_url
from approvals.workflow.states import with_trait
from events import sessions as event_sessions
from events.bilingual import pick_language
from events.models import EventSession, Performer, Song, VettingStatus

# Bump when the template or the content layout changes: the next request then renders a new version.
LAYOUT_VERSION = 3  # 2: the sessions (场次) table; 3: the site plan figure (场地平面图)

# States in which the plan is the formal, approved document (else the preview is marked as a draft).
FORMAL_STATES = with_trait("formal_plan")
DEFERRED_STATUSES = (ApplicationDocument.Status.DEFERRED, ApplicationDocument.Status.TO_BE_DEFERRED)

CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_numeral(number: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (enough for chapter numbers)."""
    if number <= 10:
        return CHINESE_NUMERALS[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else CHINESE_NUMERALS[tens]) + "十" + (CHINESE_NUMERALS[units] if units else "")


def _dimension_labels() -> dict[str, str]:
    """Fallback names of the risk dimensions (the assessment's factors carry the model's own names)."""
    return {
        "organisation": _("组织管理"), "environment": _("环境与天气"), "performance": _("演出与内容"),
        "performers": _("演出与内容"), "venue": _("场所"), "traffic": _("交通"),
    }


def _crowd_labels() -> dict[str, str]:
    """The crowd figures printed, in this order; other keys are printed under their own name."""
    return {
        "attendance": _("预计人数"), "usable_area_m2": _("可用面积（㎡）"), "safe_density": _("安全密度（人/㎡）"),
        "safe_capacity": _("安全容量（人）"), "density": _("预计密度（人/㎡）"), "density_band_label": _("密度评价"),
        "exit_count": _("出口数量"), "total_exit_width_m": _("出口总宽度（米）"),
        "egress_per_minute": _("每分钟疏散人数"), "egress_minutes": _("疏散时间（分钟）"),
        "egress_limit_minutes": _("疏散时间上限（分钟）"), "parking_demand": _("停车需求（辆）"),
        "parking_spaces": _("停车位"), "over_capacity": _("超过安全容量"), "egress_over_limit": _("疏散超时"),
        "parking_short": _("停车位不足"), "unstable_density": _("人群不稳定密度（人/㎡）"),
        "terrace_max_density": _("站席最大密度（人/㎡）"),
        "dangerous_density_moving": _("危险密度·移动（人/㎡）"),
        "dangerous_density_standing": _("危险密度·站立（人/㎡）"),
        # risk model fixes: the car share used, and a route's own figures
        "car_share": _("驾车到场比例"), "course_length_m": _("赛道长度（米）"), "course_width_m": _("赛道宽度（米）"),
        "running_density": _("赛道跑动人群密度（人/㎡）"), "course_capacity": _("赛道容量"),
        "spectators_along": _("沿线观众容量"), "start_area_m2": _("起点区面积（㎡）"), "start_capacity": _("起点区容量"),
        "finish_area_m2": _("终点区面积（㎡）"), "finish_capacity": _("终点区容量"), "is_route": _("线路型场所"),
        "finish_over_capacity": _("超过终点区容量"), "layout": _("场所类型"),
    }


# Keys that only repeat another key in another form (language variants, codes for the program).
_SKIPPED_KEY_SUFFIXES = ("_i18n", "_en", "_zh")
_SKIPPED_KEYS = {"density_band", "level", "computed_level_name_zh", "computed_level_name_en", "level_name_zh",
                 "level_name_en", "code"}


def format_value(value) -> str:
    """One cell of the printed tables."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return f"{number:.0f}" if number == int(number) else f"{number:.2f}".rstrip("0")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return _("、").join(format_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{k}：{format_value(v)}" for k, v in value.items() if not _skipped(k)) or "—"
    return str(value)


def _local(value, fmt="%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(fmt)


def _skipped(key: str) -> bool:
    return key in _SKIPPED_KEYS or key.endswith(_SKIPPED_KEY_SUFFIXES)


def _rows(data: dict, labels: dict[str, str]) -> list[dict]:
    """Label/value rows: the labelled keys first in the labels' order, then any other key under its own name."""
    data = data or {}
    ordered = [k for k in labels if k in data] + [k for k in data if k not in labels and not _skipped(k)]
    return [{"label": labels.get(k, k), "value": format_value(data[k])} for k in ordered]


def load_application(application_id: int) -> Application:
    """The application with everything the plan prints, in a fixed number of queries."""
    application = Application.objects.select_related(
        "event", "event__venue", "event__organisation", "event__security_company", "organisation",
        "district", "district__parent", "permit", "permit__authority", "site_plan",
    ).get(pk=application_id)
    prefetch_related_objects(
        [application],
        Prefetch("sections", queryset=SectionEntry.objects.select_related("section").order_by("section__number")),
        Prefetch("parties", queryset=PartyAssignment.objects.select_related("party")
                 .prefetch_related("acknowledged_items", "party__items").order_by("party__number")),
        Prefetch("documents", queryset=ApplicationDocument.objects.select_related("document_type")
                 .order_by("document_type__number")),
        "event__co_organisers",
        Prefetch("event__sessions", queryset=EventSession.objects.order_by("start_at", "id")),
        "event__venue__exits",
        Prefetch("event__performers", queryset=Performer.objects.order_by("order", "id").prefetch_related(
            Prefetch("songs", queryset=Song.objects.order_by("order", "id")))),
    )
    return application


def permit_of(application: Application):
    """The permit (approvals.Permit, OneToOne `application.permit`), or None while there is none."""
    try:
        return application.permit
    except (ObjectDoesNotExist, AttributeError):
        return None


def _permit(application: Application) -> dict | None:
    permit = permit_of(application)
    if permit is None:
        return None
    kind = getattr(permit, "kind", "")
    kind_label = getattr(permit, "get_kind_display", lambda: kind)()
    return {
        "number": str(getattr(permit, "number", "") or ""),
        "issued_at": _local(getattr(permit, "issued_at", None), "%Y-%m-%d"),
        "kind": kind_label,
        "conditions": [str(c) for c in (getattr(permit, "conditions", None) or []) if str(c).strip()],
        "approved_attendance": format_value(getattr(permit, "approved_attendance", None)),
        # The public verification link (its QR code is drawn at render time) and the short code under it.
        "verification_url": verification_url(permit) if getattr(permit, "verification_token", "") else "",
        "verification_code": verification_code_display(permit) if getattr(permit, "verification_code", "") else "",
    }


def _sessions(application: Application) -> list[dict]:
    """Each session (场次) with its start, end, expected and — once a permit exists — approved headcount."""
    permit = permit_of(application)
    approved_total = getattr(permit, "approved_attendance", None) if permit is not None else None
    sessions = event_sessions.sessions_of(application.event)
    largest = event_sessions.largest_session(application.event) if len(sessions) > 1 else None
    return [{
        "number": number,
        "label": event_sessions.session_label(session, number),
        "start_at": _local(session.start_at),
        "end_at": _local(session.end_at),
        "expected_attendance": format_value(session.expected_attendance),
        "approved_attendance": (format_value(event_sessions.session_approved_attendance(session, approved_total))
                                if approved_total is not None else ""),
        "is_largest": largest is not None and session is largest,
    } for number, session in enumerate(sessions, start=1)]

def _issuing_bureau(application: Application) -> dict:
    """The authority named as issuer: the one the permit was issued by (the city bureau for a city-level
    event, Order 505 Art. 12), before the permit the district bureau that handles it; its seal when set."""
    permit = permit_of(application)
    authority = getattr(permit, "authority", None) or application.district
    seal = ""
    if getattr(authority, "seal", None):
        import base64
        import mimetypes

        try:
            with authority.seal.open("rb") as image:
                kind = mimetypes.guess_type(authority.seal.name)[0] or "image/png"
                seal = f"data:{kind};base64,{base64.b64encode(image.read()).decode()}"
        except OSError:  # a seal file gone missing must not stop the plan
            seal = ""
    return {"name": authority.name, "parent": authority.parent.name if authority.parent_id else "", "seal": seal}


def _sections(application: Application) -> list[dict]:
    sections = []
    for entry in application.sections.all():
        section = entry.section
        sections.append({
            "number": section.number,
            "numeral": chinese_numeral(section.number),
            "code": section.code,
            "title": section.title,
            "rows": [{"label": field_label(f), "value": format_value(entry.data.get(f["key"]))}
                     for f in section.fields],
            "narrative": entry.narrative.strip(),
        })
    return sections


def _parties(application: Application) -> list[dict]:
    parties = []
    for assignment in application.parties.all():
        acknowledged = {item.pk for item in assignment.acknowledged_items.all()}
        items = sorted(assignment.party.items.all(), key=lambda item: item.number)
        parties.append({
            "name": assignment.party.name,
            "organisation_name": assignment.organisation_name,
            "responsible_person": assignment.responsible_person,
            "responsible_title": assignment.responsible_title,
            "phone": assignment.phone,
            "items": [{"text": item.text, "acknowledged": item.pk in acknowledged} for item in items],
        })
    return parties


def _lineup(application: Application) -> dict:
    """Performers and songs kept on the programme; struck ones only as conditions, with the reason."""
    performers, struck = [], []
    pending = 0
    for performer in application.event.performers.all():
        if performer.vetting_status == VettingStatus.STRUCK:
            struck.append({"kind": _("演出者"), "name": performer.name, "performer": "",
                           "reason": performer.vetting_reason.strip()})
            continue
        pending += performer.vetting_status == VettingStatus.PENDING
        songs = []
        for song in performer.songs.all():
            if song.vetting_status == VettingStatus.STRUCK:
                struck.append({"kind": _("曲目"), "name": song.title, "performer": performer.name,
                               "reason": song.vetting_reason.strip()})
                continue
            pending += song.vetting_status == VettingStatus.PENDING
            songs.append(song.title)
        performers.append({"name": performer.name, "genre": performer.genre, "songs": songs,
                           "pending": performer.vetting_status == VettingStatus.PENDING})
    return {"applies": application.event.has_performances or bool(performers or struck),
            "performers": performers, "struck": struck, "pending": pending}


def _deployment(deployment: dict) -> dict:
    """The deployment the level requires (one command post, three control groups, posts, staffing) against
    what the organizer's plan provides."""
    planned = deployment.get("planned") or {}
    requirement_specs = [
        ("command_posts", None, _("定点指挥部")),
        ("min_security_staff", "security_staff", _("安保人员（最少）")),
        ("fixed_posts", "fixed_posts", _("固定岗")),
        ("patrol_posts", "patrol_posts", _("巡逻岗")),
        ("mobile_points", "mobile_points", _("机动兵力配置点位")),
    ]
    requirements = []
    for key, planned_key, label in requirement_specs:
        if key not in deployment:
            continue
        required, provided = deployment.get(key), planned.get(planned_key) if planned_key else None
        met = None if provided is None or required is None else provided >= required
        requirements.append({"label": label, "required": format_value(required),
                             "planned": format_value(provided), "met": met})
    ratio = deployment.get("attendees_per_guard")
    handled = {k for k, _p, _l in requirement_specs} | {"planned", "control_groups", "shortfalls",
                                                         "attendees_per_guard"}
    return {
        "level": deployment.get("level_name_zh") or deployment.get("level", ""),
        "ratio": f"1:{ratio}" if ratio else "",
        "requirements": requirements,
        "control_groups": [{"name": g.get("name", ""), "zone": g.get("zone", ""),
                            "area_m2": format_value(g.get("area_m2"))}
                           for g in deployment.get("control_groups") or []],
        "shortfalls": [{"label": s.get("label", ""), "required": format_value(s.get("required")),
                        "planned": format_value(s.get("planned")), "missing": format_value(s.get("missing"))}
                       for s in deployment.get("shortfalls") or []],
        "other": _rows({k: v for k, v in deployment.items() if k not in handled}, {}),
    }


def _risk(application: Application) -> dict | None:
    from approvals.risk.bridge import latest_assessment

    assessment = latest_assessment(application)
    if assessment is None:
        return None
    dimension_labels = _dimension_labels()
    factors = []
    for factor in getattr(assessment, "factors", None) or []:
        dimension = factor.get("dimension", "")
        if factor.get("dimension_label"):
            dimension_labels[dimension] = pick_language(factor["dimension_label"], factor.get("dimension_label_en", ""))
        factors.append({
            "dimension": dimension_labels.get(dimension, dimension),
            "label": pick_language(factor.get("label", ""), factor.get("label_en", "")),
            "value": format_value(factor.get("value")),
            "contribution": format_value(factor.get("contribution")),
            "explanation": factor.get("explanation", ""),
        })
    scores = getattr(assessment, "dimension_scores", None) or {}
    level = getattr(assessment, "level_name", None) or getattr(assessment, "level", "")
    return {
        "level": str(level or ""),
        "total": format_value(getattr(assessment, "total", None)),
        "assessed_at": _local(getattr(assessment, "created_at", None)),
        "dimensions": [{"label": dimension_labels.get(code, code), "score": float(score or 0)}
                       for code, score in scores.items()],
        "factors": factors,
        "crowd": _rows(getattr(assessment, "crowd", None) or {}, _crowd_labels()),
        "deployment": _deployment(getattr(assessment, "deployment", None) or {}),
        "fuse_flags": [{"code": flag.get("code", ""), "reason": flag.get("reason", "")}
                       for flag in getattr(assessment, "fuse_flags", None) or []],
    }


def site_plan_of(application: Application):
    """The application's drawn site plan (siteplan.SitePlan, OneToOne `application.site_plan`), or None."""
    try:
        return application.site_plan
    except ObjectDoesNotExist:
        return None


def _site_plan(application: Application) -> dict | None:
    """The drawing itself (so an edited plan changes the content key), its legend's labels in the active
    language and its audience zones' figures; None when nothing is drawn."""
    from siteplan.layers import LAYERS

    plan = site_plan_of(application)
    features = [f for f in ((plan.features or {}).get("features") or []) if isinstance(f, dict)] if plan else []
    if not features:
        return None
    zones = (plan.figures or {}).get("zones") or []
    kinds = {(f.get("properties") or {}).get("kind") for f in features}
    required = (plan.figures or {}).get("required_posts") or []
    lacking = (plan.figures or {}).get("shortfall") or {}
    return {
        "width_m": float(plan.width_m),
        "height_m": float(plan.height_m),
        "revision": plan.revision,
        "background": plan.background.name if plan.background and plan.background_width_px else "",
        "features": features,
        "labels": {kind: str(layer.label) for kind, layer in LAYERS.items() if kind in kinds},
        "texts": {"legend": _("图例"), "metres": _("{n} 米"), "capacity": _("容量 {n} 人"), "no_exit": _("无出口")},
        "capacities": {z["key"]: z.get("capacity") if z.get("exits") else None for z in zones if z.get("key")},
        "zones": [{"name": z.get("name") or z.get("key", ""), "area_m2": format_value(round(z.get("area_m2") or 0)),
                   "capacity": format_value(z.get("capacity")), "exits": format_value(z.get("exits")),
                   "farthest_m": (format_value(round(z["farthest_from_exit_m"], 1))
                                  if z.get("farthest_from_exit_m") is not None else _("无出口"))}
                  for z in zones],
        # What the drawing lacks against the deployment derived from it (section 3 names it).
        "shortfall": [{"kind": kind, "label": str(LAYERS[kind].label),
                       "required": sum(1 for p in required if p.get("kind") == kind),
                       "missing": lacking[kind]} for kind in ("command", "fixed", "patrol", "mobile")
                      if lacking.get(kind)],
    }


def _deferred_documents(application: Application) -> list[dict]:
    return [
        {"number": document.document_type.number, "name": document.document_type.name,
         "status": document.get_status_display(), "due_date": _local(document.deferred_due_date, "%Y-%m-%d")}
        for document in requirements_for(application).applicable
        if document.status in DEFERRED_STATUSES
    ]


def plan_content(application: Application) -> dict:
    """The plan as plain data. Expects load_application() to have loaded the application."""
    event = application.event
    venue = event.venue
    district = application.district
    permit = _permit(application)
    lineup = _lineup(application)
    deferred = _deferred_documents(application)
    security_company = event.security_company
    return {
        "layout": LAYOUT_VERSION,
        "application": {
            "reference": application.reference,
            "state": application.state,
            "state_label": application.get_state_display(),
            "is_formal": application.state in FORMAL_STATES,
            "security_level": application.security_level,
        },
        "bureau": _issuing_bureau(application),
        "event": {
            "name": event.name,
            "kind": event.get_kind_display(),
            "start_at": _local(event.start_at),
            "end_at": _local(event.end_at),
            "expected_attendance": format_value(event.expected_attendance),
            "rated_capacity": format_value(event.rated_capacity),
            "ticketed": format_value(event.ticketed),
            "temporary_structures": format_value(event.temporary_structures),
            "alcohol_served": format_value(event.alcohol_served),
            "description": event.description.strip(),
            "organisation": application.organisation.name,
            "co_organisers": [o.name for o in event.co_organisers.all()],
            "security_company": security_company.name if security_company else "",
            "sessions": _sessions(application),
        },
        "venue": {
            "name": venue.name,
            "address": venue.address,
            "usable_area_m2": format_value(venue.usable_area_m2),
            "setting": venue.get_setting_display(),
            "parking_spaces": format_value(venue.parking_spaces),
            "public_transport": format_value(venue.public_transport),
            "exits": [{"name": e.name, "width_m": format_value(e.width_m), "kind": e.get_kind_display()}
                      for e in venue.exits.all()],
        },
        "permit": permit,
        "sections": _sections(application),
        "parties": _parties(application),
        "lineup": lineup,
        "risk": _risk(application),
        "site_plan": _site_plan(application),
        "deferred_documents": deferred,
    }


def plan_content_key(content: dict) -> str:
    """sha256 of the canonical JSON of the content: equal keys print equal documents."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
