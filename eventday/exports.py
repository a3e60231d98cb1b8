"""Period statistics as CSV and Excel (openpyxl): the same rows in both."""
import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

# A spreadsheet reads a cell starting with one of these as a formula (full-width forms included: some
# spreadsheet programs normalise them). Names come from organizers, so such text is prefixed with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet shows as text, never evaluates (OWASP "CSV injection")."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _neutralised(rows: list[list]) -> list[list]:
    return [[spreadsheet_text(v) if isinstance(v, str) else v for v in row] for row in rows]


def _held_text(row) -> str:
    return _("已举办") if row.held else _("未举办")


def _approval_rows(stats) -> list[list]:
    from .review import change_percent

    figures = getattr(stats, "approvals", None)
    if figures is None:
        return []
    previous = stats.previous.approvals if getattr(stats, "previous", None) is not None else None

    def line(label, name):
        value = getattr(figures, name)
        row = [label, value if value is not None else ""]
        if previous is not None:
            before = getattr(previous, name)
            change = change_percent(value or 0, before or 0)
            row += [before if before is not None else "", change if change is not None else ""]
        return row

    return [
        [], [_("审批"), _("数值"), *((_("上年"), _("同比（%）")) if previous is not None else ())],
        line(_("收到申请（件）"), "received"),
        line(_("作出决定（件）"), "decided"),
        line(_("按期决定率（%）"), "on_time_rate"),
        line(_("平均办理天数（受理至决定）"), "average_days_to_decide"),
        line(_("容缺受理（件）"), "deferred_acceptances"),
        line(_("先批后审（件）"), "provisional_approvals"),
        line(_("熔断（次）"), "suspensions"),
    ]


def _review_rows(stats) -> list[list]:
    year = getattr(stats, "reviews", None)
    if year is None:
        return []
    return [
        [], [_("复盘汇总"), _("数值")],
        [_("已复盘活动（个）"), year.events_reviewed],
        [_("复盘入场人次"), year.visitors],
        *[[name, count] for name, count in (stats.reviews_by_kind or [])],
        [_("违法违规（起）"), year.violations],
        [_("超核准人数场次"), year.sessions_over_headcount],
        [_("承办单位评价不合格（个）"), year.organizers_rated_poor],
    ]


def statistics_rows(stats) -> list[list]:
    """Summary, incidents by kind, then one row per session (场次); blank rows between the blocks."""
    def line(label, name):
        value = getattr(stats, name)
        previous = getattr(stats, "previous", None)
        if previous is None:
            return [label, value]
        change = stats.change(name)
        return [label, value, getattr(previous, name), change if change is not None else ""]

    rows = [
        [_("指标"), _("数值"), _("上年"), _("同比（%）")],
        line(_("举办活动（个）"), "events_held"),
        line(_("举办场次（场）"), "sessions_held"),
        line(_("累计入场人次"), "total_entries"),
        line(_("场均入场人次"), "visitors_per_session"),
        line(_("单场峰值在场人数"), "peak_occupancy"),
        line(_("现场警情（起）"), "incidents_total"),
        line(_("培训演练（次）"), "drills"),
        line(_("参训保安（人次）"), "guards_trained"),
        line(_("被追责保安公司（家）"), "companies_held_accountable"),
        line(_("回溯追责记录（条）"), "accountability_records"),
        *_approval_rows(stats),
        *_review_rows(stats),
        [],
        [_("警情类别"), _("起数")],
        *[[name, count] for name, count in stats.incidents_by_kind],
        [],
        [_("活动"), _("场所"), _("场次"), _("开始时间"), _("举办情况"), _("核准人数"), _("已售（发）票"),
         _("累计入场"), _("峰值在场")],
        *[[row.event.name, row.event.venue.name, str(row.label),
           timezone.localtime(row.session.start_at).strftime("%Y-%m-%d %H:%M"), _held_text(row), row.approved,
           row.tickets_issued if row.tickets_issued is not None else "", row.entries, row.peak_occupancy]
          for row in stats.sessions],
    ]
    return rows


def rows_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_neutralised(rows))
    # A BOM so that Excel opens the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def statistics_csv(stats, *, title: list | None = None) -> bytes:
    return rows_csv((title or []) + statistics_rows(stats))


def statistics_xlsx(stats, *, title: list | None = None) -> bytes:
    return rows_xlsx((title or []) + statistics_rows(stats), sheet_title="statistics",
                     widths=(30, 22, 12, 18, 10, 10, 12, 12, 12))


def rows_xlsx(rows: list[list], *, sheet_title: str, widths=()) -> bytes:
    """Blocks of rows separated by blank rows; the first row of each block in bold (its header or title)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    bold = Font(bold=True)
    after_blank = True
    for row in _neutralised(rows):
        sheet.append(row)
        for cell in sheet[sheet.max_row] if row else ():
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl infers a formula from a leading "=": always a plain string
        if row and after_blank:  # the first row of each block is its header
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        after_blank = not row
    for column, width in zip("ABCDEFGHIJKLMN", widths):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_title(title: str, *details: str) -> list[list]:
    """The title block of an export: what it is, its scope, when it was made (then a blank row)."""
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return [[title], *[[d] for d in details if d], [_("导出时间"), made], []]


def incident_rows(incidents) -> list[list]:
    rows = [[_("发生时间"), _("类别"), _("属违法违规"), _("严重程度"), _("处置状态"), _("区域"), _("地点"),
             _("涉及人数"), _("情况"), _("处置结果"), _("处置完毕时间"), _("登记人")]]
    for incident in incidents:
        rows.append([
            timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"), incident.kind.name,
            _("是") if incident.kind.is_violation else _("否"), incident.get_severity_display(),
            incident.get_status_display(), incident.zone.name if incident.zone else "", incident.place,
            incident.people_involved, incident.description, incident.outcome,
            timezone.localtime(incident.resolved_at).strftime("%Y-%m-%d %H:%M") if incident.resolved_at else "",
            str(incident.recorded_by)])
    return rows
