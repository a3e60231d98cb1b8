"""The first catalogue version: 9 documents, 11 plan sections, 5 parties with their checklists.

Plain data, read by the seeding migration (and nothing else): later changes happen in the admin as new
catalogue versions, never by editing this file.
"""


# The fields the risk model reads, each declared by the fact it feeds (`"risk_input"` of a field, read by
# approvals.risk): the key may change in a later catalogue version, the declaration carries the meaning.
RISK_INPUTS = {
    "security_staff_total": "security_staff_total", "fixed_posts": "fixed_posts", "patrol_posts": "patrol_posts",
    "mobile_points": "mobile_points", "core_area_m2": "core_area_m2", "warning_area_m2": "warning_area_m2",
    "control_area_m2": "control_area_m2", "real_name_tickets": "real_name_tickets",
    "public_sale_percent": "public_sale_percent", "refund_mechanism": "refund_mechanism",
    "parking_spaces_arranged": "parking_spaces_arranged", "shuttle_buses": "shuttle_buses",
    "road_closures": "road_closures", "car_share_percent": "car_share_percent", "heat_measures": "heat_measures",
}


def _f(key, zh, en, kind="int", required=True, minimum=0, maximum=None):
    field = {"key": key, "label_zh": zh, "label_en": en, "type": kind, "required": required}
    if kind in ("int", "decimal"):
        field["min"] = minimum
        if maximum is not None:
            field["max"] = maximum
    if key in RISK_INPUTS:
        field["risk_input"] = RISK_INPUTS[key]
    return field


DOCUMENT_TYPES = [
    # number, code, zh, en, required_when, deferrable, filled_online
    (1, "event_plan", "活动方案及说明", "Event plan and description", "always", False, False),
    (2, "organizer_registration", "承办者合法成立证明及安全责任人身份证明",
     "Organizer's legal registration and the safety officer's ID", "always", False, False),
    (3, "venue_consent", "场所管理者同意使用证明", "Venue manager's consent to use the venue", "always", False, False),
    (4, "security_work_plan", "安全工作方案", "Security work plan (the 11 sections, filled in online)",
     "always", False, True),
    (5, "service_contracts", "保安服务及消防安全服务合同", "Security-service and fire-safety service contracts "
     "with the companies' licences", "always", True, False),
    (6, "risk_assessment_report", "安全风险评估报告", "Safety risk assessment report", "always", False, False),
    (7, "liability_insurance", "公众责任保险", "Public liability insurance policy", "always", True, False),
    (8, "joint_organizing_agreement", "联合承办协议", "Joint organizing agreement", "multiple_organisers",
     True, False),
    (9, "sector_approvals", "营业性演出等行业主管部门批准文件",
     "Sector approvals, e.g. the commercial performance approval", "has_performances", True, False),
]

PLAN_SECTIONS = [
    # number, code, zh, en, required_by_regulation, fields
    (1, "overview", "活动概况", "Event overview", True, [
        _f("sessions", "场次", "Sessions", minimum=1),
        _f("daily_hours", "每日活动时长（小时）", "Hours per day", "decimal", minimum=0),
        _f("organisation_mode", "组织方式", "How it is organised", "text"),
    ]),
    (2, "command_structure", "组织指挥体系与五方责任", "Command structure and five-party responsibilities", False, [
        _f("commander_name", "现场总指挥", "On-site commander", "text"),
        _f("commander_phone", "总指挥电话", "Commander's phone", "text"),
        _f("command_post_location", "指挥部位置", "Command post location", "text"),
    ]),
    (3, "security_staff", "安保力量配置", "Security staff and posts", True, [
        _f("security_staff_total", "安保人员总数", "Security staff in total", minimum=1),
        _f("fixed_posts", "固定岗数量", "Fixed posts"),
        _f("patrol_posts", "巡逻岗数量", "Patrol posts"),
        _f("mobile_points", "机动兵力点位", "Mobile force points"),
        _f("volunteers", "志愿者人数", "Volunteers", required=False),
        _f("identifying_marks", "识别标志", "Identifying marks", "text", required=False),
    ]),
    (4, "fire_safety", "消防安全措施", "Fire safety measures", True, [
        _f("fire_extinguishers", "灭火器数量", "Fire extinguishers"),
        _f("firefighters_on_site", "现场消防人员", "Firefighters on site"),
        _f("fire_lanes_clear", "消防车通道畅通", "Fire lanes kept clear", "bool", required=False),
    ]),
    (5, "capacity", "场所容量与预计人数", "Venue capacity and expected attendance", True, [
        _f("approved_headcount", "拟核定人数", "Headcount applied for", minimum=1),
        _f("tickets_to_issue", "拟发放票证数", "Tickets to issue", required=False),
    ]),
    (6, "buffer_zones", "治安缓冲区域", "Security buffer zones and signs", True, [
        _f("core_area_m2", "核心区面积（㎡）", "Core area (m²)", minimum=1),
        _f("warning_area_m2", "警戒区面积（㎡）", "Warning area (m²)", required=False),
        _f("control_area_m2", "控制区面积（㎡）", "Control area (m²)", required=False),
        _f("signs_count", "标识数量", "Signs", required=False),
    ]),
    (7, "ticketing_screening", "票证查验与安全检查", "Ticket checks and security screening", True, [
        _f("screening_lanes", "安检通道数", "Screening lanes", minimum=1),
        _f("real_name_tickets", "实名制购票", "Real-name tickets", "bool", required=False),
        _f("tickets_per_id", "每证限购张数", "Tickets per ID", required=False),
        _f("public_sale_percent", "公开销售比例（%）", "Share sold publicly (%)", "decimal", required=False),
        _f("refund_mechanism", "有退票机制", "Refund mechanism", "bool", required=False),
    ]),
    (8, "traffic", "交通组织与车辆停放疏导", "Traffic, parking and dispersal", True, [
        # The spaces available for the event, the venue's own included (counted once); empty: the venue's own.
        _f("parking_spaces_arranged", "活动可用停车位（含场所自有车位）",
           "Parking spaces available for the event (the venue's own included)", required=False),
        _f("car_share_percent", "驾车到场观众比例（%）", "Share of attendees arriving by car (%)", "decimal",
           required=False, maximum=100),
        _f("shuttle_buses", "接驳车辆", "Shuttle buses", required=False),
        _f("road_closures", "需临时交通管制", "Road closures needed", "bool", required=False),
    ]),
    (9, "crowd_guidance", "现场秩序维护与人员疏导", "On-site order and crowd guidance", True, [
        _f("stewards", "疏导人员", "Stewards", minimum=1),
        _f("barrier_length_m", "隔离护栏长度（米）", "Barriers (m)", required=False),
    ]),
    (10, "technology", "科技安防措施", "Technology measures", False, [
        _f("cameras", "视频监控点位", "Video cameras"),
        _f("thermal_cameras", "热成像/人群热力监测", "Thermal / crowd heat-map cameras", required=False),
        _f("drones", "无人机", "Drones", required=False),
        _f("counter_drone", "反无人机设备", "Counter-drone equipment", "bool", required=False),
        _f("face_recognition_gates", "人脸识别入口", "Face-recognition entrances", required=False),
    ]),
    (11, "emergency", "应急救援预案", "Emergency response plans", True, [
        _f("evacuation_routes", "疏散路线", "Evacuation routes", minimum=1),
        _f("medical_points", "医疗救护点", "Medical points", minimum=1),
        _f("ambulances", "救护车", "Ambulances"),
        _f("heat_measures", "已落实高温应对措施（开赛时间避开高温、补水和医疗点、高温中止规则）",
           "Heat measures in place (start time out of the heat, water and medical points, a stop rule)", "bool",
           required=False),
    ]),
]

PARTIES = [
    # number, code, zh, en, named_by_organizer, checklist [(zh, en)]
    (1, "sponsor", "主办方", "Sponsor", True, [
        ("对活动安全负主体责任", "Bears primary responsibility for the event's safety"),
        ("审核承办方资质和安全工作方案", "Checks the organizer's qualifications and security plan"),
        ("保障安全工作经费投入", "Funds the security work"),
        ("参与突发事件应急处置", "Takes part in emergency response"),
    ]),
    (2, "organizer", "承办方", "Organizer", True, [
        ("制定并落实安全工作方案和安全责任制度，明确安全责任人",
         "Draws up and carries out the security plan and names the safety officer"),
        ("确保临时搭建设施符合安全要求", "Ensures temporary structures meet safety requirements"),
        ("按核准的活动场所容量发售或者发放入场凭证", "Issues tickets only up to the approved capacity"),
        ("落实医疗救护、灭火、应急疏散等应急救援措施并组织演练",
         "Puts medical, fire and evacuation measures in place and drills them"),
        ("配备与安全工作需要相适应的专业保安人员", "Hires enough professional security staff"),
        ("对妨碍安全的行为及时制止并报告公安机关", "Stops unsafe behaviour and reports it to the police"),
    ]),
    (3, "venue_manager", "场所管理方", "Venue manager", True, [
        ("保障活动场所、设施符合国家安全标准和安全规定",
         "Keeps the venue and facilities to national safety standards"),
        ("保障疏散通道、安全出口、消防车通道、应急广播、应急照明、疏散指示标志符合规定",
         "Keeps escape routes, exits, fire lanes, PA, emergency lighting and signs compliant"),
        ("保障监控设备和消防设施、器材配置齐全、完好有效",
         "Keeps CCTV and fire equipment complete and working"),
        ("提供必要的停车场地并维护安全秩序", "Provides parking and keeps it orderly"),
    ]),
    (4, "security_company", "安保服务方", "Security service company", True, [
        ("按合同派驻持证保安员", "Deploys licensed guards as contracted"),
        ("落实岗前培训和应急演练", "Trains and drills the guards before the event"),
        ("按方案设置固定岗、巡逻岗和机动岗", "Staffs fixed, patrol and mobile posts as planned"),
        ("配合公安机关开展安全检查和处置", "Supports police checks and response"),
    ]),
    (5, "supervising_authority", "监管部门", "Supervising authorities", False, [
        ("公安机关审核安全工作方案并实地核查", "Police review the security plan and inspect the site"),
        ("指导、监督活动安全工作", "Guide and supervise the security work"),
        ("文化和旅游部门审核演出内容", "Culture and tourism department vets the performances"),
        ("依法处置违法犯罪行为", "Deal with offences according to law"),
    ]),
]


def seed_catalogue(apps, number=1, label="初始版本 / initial version"):
    """Create one complete catalogue version; `apps` is a migration's app registry (or django.apps.apps)."""
    CatalogueVersion = apps.get_model("approvals", "CatalogueVersion")
    DocumentType = apps.get_model("approvals", "DocumentType")
    PlanSection = apps.get_model("approvals", "PlanSection")
    Party = apps.get_model("approvals", "Party")
    ResponsibilityItem = apps.get_model("approvals", "ResponsibilityItem")

    version = CatalogueVersion.objects.create(number=number, label=label, is_current=True)
    DocumentType.objects.bulk_create([
        DocumentType(version=version, number=n, code=code, name_zh=zh, name_en=en, required_when=when,
                     deferrable=deferrable, filled_online=online)
        for n, code, zh, en, when, deferrable, online in DOCUMENT_TYPES
    ])
    PlanSection.objects.bulk_create([
        PlanSection(version=version, number=n, code=code, title_zh=zh, title_en=en,
                    required_by_regulation=regulation, fields=fields)
        for n, code, zh, en, regulation, fields in PLAN_SECTIONS
    ])
    for n, code, zh, en, by_organizer, items in PARTIES:
        party = Party.objects.create(version=version, number=n, code=code, name_zh=zh, name_en=en,
                                     named_by_organizer=by_organizer)
        ResponsibilityItem.objects.bulk_create([
            ResponsibilityItem(party=party, number=i, text_zh=item_zh, text_en=item_en)
            for i, (item_zh, item_en) in enumerate(items, start=1)
        ])
    return version
