"""What an application still lacks before it can be submitted: the live checklist and the submit rule."""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Application, ApplicationDocument, DocumentType
from .sections import field_label, missing_section_fields, section_is_complete


@dataclass(frozen=True)
class ChecklistItem:
    kind: str  # "fact", "document", "section", "party"
    code: str
    label: str
    done: bool
    blocking: bool  # a missing blocking item refuses submission
    note: str = ""


def document_applies(document_type: DocumentType, *, organiser_count: int, has_performances: bool) -> bool:
    when = document_type.required_when
    if when == DocumentType.RequiredWhen.MULTIPLE_ORGANISERS:
        return organiser_count >= 2
    if when == DocumentType.RequiredWhen.HAS_PERFORMANCES:
        return has_performances
    return True


def application_checklist(application: Application) -> list[ChecklistItem]:
    """Every applicable requirement with its state. Expects application_with_contents() to have run."""
    event = application.event
    catalogue = application.catalogue
    items: list[ChecklistItem] = []

    if event.expected_attendance < catalogue.permit_threshold:
        items.append(ChecklistItem("fact", "attendance", _("预计人数"), False, True,
                                   _("预计人数不足 %(n)s 人，无需申请安全许可。") % {"n": catalogue.permit_threshold}))

    sections = list(application.sections.all())
    all_sections_complete = True
    for entry in sections:
        section = entry.section
        complete = section_is_complete(section.fields, entry.data, entry.narrative, section.narrative_required)
        all_sections_complete &= complete
        missing = [field_label(f) for f in missing_section_fields(section.fields, entry.data)]
        if section.narrative_required and not entry.narrative.strip():
            missing.append(_("文字说明"))
        items.append(ChecklistItem("section", section.code, f"{section.number}. {section.title}", complete, True,
                                   _("缺少：") + _("、").join(missing) if missing else ""))

    organiser_count = 1 + len(event.co_organisers.all())
    for document in application.documents.all():
        doc_type = document.document_type
        if not document_applies(doc_type, organiser_count=organiser_count, has_performances=event.has_performances):
            continue
        if doc_type.filled_online:
            items.append(ChecklistItem("document", doc_type.code, f"{doc_type.number}. {doc_type.name}",
                                       all_sections_complete, True, _("由在线填写的 11 个章节组成")))
            continue
        provided = document.current_version_id is not None
        note = ""
        if not provided and doc_type.deferrable:
            note = _("可容缺：提交后记为“拟容缺”，受理时须签署承诺书")
        items.append(ChecklistItem("document", doc_type.code, f"{doc_type.number}. {doc_type.name}", provided,
                                   not doc_type.deferrable, note))

    for assignment in application.parties.all():
        if not assignment.party.named_by_organizer:
            continue
        items.append(ChecklistItem("party", assignment.party.code, assignment.party.name, assignment.is_named, True,
                                   "" if assignment.is_named else _("须填写单位、责任人和联系电话")))
    return items


def blocking_gaps(items: list[ChecklistItem]) -> list[ChecklistItem]:
    return [item for item in items if item.blocking and not item.done]


def documents_to_defer(application: Application) -> list[ApplicationDocument]:
    event = application.event
    organiser_count = 1 + len(event.co_organisers.all())
    return [
        d for d in application.documents.all()
        if d.document_type.deferrable and d.current_version_id is None
        and document_applies(d.document_type, organiser_count=organiser_count, has_performances=event.has_performances)
    ]
