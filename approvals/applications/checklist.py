"""What an application still lacks before it can be submitted: the live checklist and the submit rule."""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Application, ApplicationDocument
from .requirements import requirements_for
from .sections import field_label, missing_section_fields, section_is_complete


@dataclass(frozen=True)
class ChecklistItem:
    kind: str  # "fact", "document", "section", "party"
    code: str
    label: str
    done: bool
    blocking: bool  # a missing blocking item refuses submission
    note: str = ""


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

    for document in requirements_for(application).applicable:
        doc_type = document.document_type
        if doc_type.filled_online:
            items.append(ChecklistItem("document", doc_type.code, f"{doc_type.number}. {doc_type.name}",
                                       all_sections_complete, True,
                                       _("由在线填写的 %(n)s 个章节组成") % {"n": len(sections)}))
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
    """The missing documents that may follow later: recorded as "to be deferred" on submission."""
    return requirements_for(application).deferrable
