"""Which documents one application needs: the one place that says whether a document applies, which are missing
and which of those may be deferred (容缺).

Everything that asks "does this document apply" (the checklist and the submit rule, the 容缺 panel and its
service validation, the document API, the plan PDF, the demo, the risk bridge) calls `requirements_for`; the
organiser count it uses is worked out once, here. Messages name documents by their translated names
(DocumentType.name), never by their codes.
"""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Application, ApplicationDocument, DocumentType


def organiser_count(event) -> int:
    """The organiser and its co-organisers (uses a prefetch of event.co_organisers when there is one)."""
    cache = getattr(event, "_prefetched_objects_cache", {})
    if "co_organisers" in cache:
        return 1 + len(cache["co_organisers"])
    return 1 + event.co_organisers.count()


def document_applies(document_type: DocumentType, *, organiser_count: int, has_performances: bool) -> bool:
    """The catalogue's condition of one document type (DocumentType.required_when) against the event's facts."""
    when = document_type.required_when
    if when == DocumentType.RequiredWhen.MULTIPLE_ORGANISERS:
        return organiser_count >= 2
    if when == DocumentType.RequiredWhen.HAS_PERFORMANCES:
        return has_performances
    return True


@dataclass(frozen=True)
class Requirements:
    """One application's document slots, split by whether they apply. `documents` keeps the slots given (the
    caller's queryset: locked, prefetched, ordered), each with `.applies` set."""

    organiser_count: int
    has_performances: bool
    documents: tuple  # every ApplicationDocument, in the order given

    def applies(self, document_type: DocumentType) -> bool:
        return document_applies(document_type, organiser_count=self.organiser_count,
                                has_performances=self.has_performances)

    @property
    def applicable(self) -> list[ApplicationDocument]:
        """The documents this application needs (the online plan included)."""
        return [d for d in self.documents if d.applies]

    @property
    def to_upload(self) -> list[ApplicationDocument]:
        """The applicable documents that are uploaded (not filled online)."""
        return [d for d in self.applicable if not d.document_type.filled_online]

    @property
    def missing(self) -> list[ApplicationDocument]:
        """Applicable uploaded documents with no file yet."""
        return [d for d in self.to_upload if d.current_version_id is None]

    @property
    def deferrable(self) -> list[ApplicationDocument]:
        """The missing documents that may follow later (容缺): the 容缺 panel's defaults."""
        return [d for d in self.missing if d.document_type.deferrable]

    def by_code(self) -> dict[str, ApplicationDocument]:
        return {d.document_type.code: d for d in self.documents}

    def deferral_errors(self, codes) -> list[str]:
        """Why deferring exactly these document codes is refused (empty: accepted). Each message names the
        document by its translated name; a code that is no document of this application is said as such."""
        slots = self.by_code()
        errors = []
        for code in sorted(codes):
            document = slots.get(code)
            if document is None:
                errors.append(_("所选材料不属于本申请。"))
            elif not document.applies:
                errors.append(_("“%(doc)s”不是本申请需要的材料。") % {"doc": document.document_type.name})
            elif document.document_type.filled_online or not document.document_type.deferrable:
                errors.append(_("“%(doc)s”不可容缺。") % {"doc": document.document_type.name})
            elif document.current_version_id is not None:
                errors.append(_("“%(doc)s”已上传，无需容缺。") % {"doc": document.document_type.name})
        return list(dict.fromkeys(errors))

    def left_out(self, codes) -> list[ApplicationDocument]:
        """Missing applicable documents that are not among `codes` (they block acceptance)."""
        return [d for d in self.missing if d.document_type.code not in codes]


def requirements_for(application: Application, documents=None) -> Requirements:
    """The requirements of one application. `documents`: the slots to judge (a locked or prefetched queryset or
    list); by default application.documents.all() with their document types."""
    event = application.event
    if documents is None:
        documents = application.documents.all()
        if "documents" not in getattr(application, "_prefetched_objects_cache", {}):
            documents = documents.select_related("document_type")
    count = organiser_count(event)
    documents = tuple(documents)
    for document in documents:
        document.applies = document_applies(document.document_type, organiser_count=count,
                                            has_performances=event.has_performances)
    return Requirements(organiser_count=count, has_performances=event.has_performances, documents=documents)
