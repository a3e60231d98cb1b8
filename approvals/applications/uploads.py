"""Checks on uploaded documents: real PDF/JPEG/PNG by content, size limits, no active PDF content, no image bombs."""
import io
import logging
import mimetypes
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAGIC_NUMBERS = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
# Names of PDF actions that run code or launch things (as pdfid looks for them); `#xx` escapes are decoded first.
# A cheap first fence over the raw bytes; it cannot see inside compressed object streams, the parse below does.
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|AA|SubmitForm)\b")
# The same names, met as a key or a value anywhere in the parsed document (/S /JavaScript, /Type /EmbeddedFile...),
# plus the keys that carry attachments and media without those names (/EF in a file specification).
PDF_ACTIVE_NAMES = frozenset({
    "/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia",
    "/RichMediaContent", "/XFA", "/SubmitForm", "/ImportData",
})
# Bounds on the parse, so a crafted PDF cannot hold a request: a 20 MB scan of a few hundred pages has a few
# thousand objects, and its check takes well under a second.
PDF_MAX_OBJECTS = 100_000
PDF_CHECK_SECONDS = 5.0
GENERIC_CONTENT_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel scan is plenty; more is a decompression bomb

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str


def _refuse(message: str):
    raise ValidationError({"file": message})


def _decode_pdf_name_escapes(data: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data)


class _PdfTooComplex(Exception):
    pass


def _is_plain_open_action(value) -> bool:
    """/OpenAction that only opens at a page (a destination array, or a GoTo action with nothing chained):
    what office exports write. Anything else runs when the file is opened."""
    from pypdf.generic import ArrayObject, DictionaryObject

    value = value.get_object() if value is not None else None
    if isinstance(value, ArrayObject):
        return True
    return isinstance(value, DictionaryObject) and value.get("/S") == "/GoTo" and "/Next" not in value


def _pdf_has_active_content(reader) -> bool:
    """Walk every object of the document (those in compressed object streams too) and everything reachable from
    the trailer; True at the first name that runs code, opens something or carries a file."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    deadline = time.monotonic() + PDF_CHECK_SECONDS
    references = [(number, generation) for generation, entries in reader.xref.items() for number in entries]
    references += [(number, 0) for number in reader.xref_objStm]
    if len(references) > PDF_MAX_OBJECTS:
        raise _PdfTooComplex
    pending = [reader.trailer] + [IndirectObject(number, generation, reader) for number, generation in references]
    seen: set = set()
    while pending:
        if time.monotonic() > deadline:
            raise _PdfTooComplex
        node = pending.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS:
                raise _PdfTooComplex
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # stream objects too: their dictionary, never their data
            for name, value in node.items():
                if name in PDF_ACTIVE_NAMES:
                    return True
                if name == "/OpenAction" and not _is_plain_open_action(value):
                    return True
                pending.append(value)
        elif isinstance(node, ArrayObject):
            pending.extend(node)
        elif isinstance(node, NameObject) and node in PDF_ACTIVE_NAMES:
            return True
    return False


def _check_pdf(uploaded) -> None:
    from pypdf import PdfReader

    uploaded.seek(0)
    data = b"".join(uploaded.chunks())
    uploaded.seek(0)
    if b"%%EOF" not in data[-2048:]:
        _refuse(_("PDF 文件不完整或已损坏。"))
    active = _("PDF 含有脚本或自动执行的动作，出于安全原因不予接受；请另存为普通 PDF 后再上传。")
    if PDF_ACTIVE_CONTENT.search(_decode_pdf_name_escapes(data)):
        _refuse(active)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _refuse(_("PDF 已加密或设有密码，无法检查其内容，不予接受；请去除密码后再上传。"))
        has_active_content = _pdf_has_active_content(reader)
        if "/Pages" not in reader.trailer["/Root"].get_object():  # pypdf repairs a lot; a document it is not
            raise ValueError("no page tree")
    except ValidationError:
        raise
    except _PdfTooComplex:
        _refuse(_("PDF 结构过于复杂，无法在限定时间内完成安全检查，不予接受；请另存为普通 PDF 后再上传。"))
    except Exception as error:  # pypdf raises many kinds on malformed input (and RecursionError on deep nesting)
        logger.info("upload: PDF %r refused, it cannot be parsed: %s: %s", uploaded.name, type(error).__name__,
                    error)
        _refuse(_("PDF 文件不完整或已损坏。"))
    if has_active_content:
        _refuse(active)


def _check_image(uploaded) -> None:
    from PIL import Image

    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                _refuse(_("图片尺寸过大（%(w)s×%(h)s 像素），请压缩后上传。") % {"w": width, "h": height})
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_("图片尺寸过大，疑似压缩炸弹，不予接受。"))
    except Exception:
        _refuse(_("图片文件已损坏，无法读取。"))
    finally:
        uploaded.seek(0)


def check_upload(uploaded) -> CheckedFile:
    """Accept only real PDF/JPEG/PNG files under the size limit: judged by content, never by name or header."""
    max_bytes = settings.DOCUMENT_MAX_BYTES
    if not uploaded or uploaded.size == 0:
        _refuse(_("文件为空。"))
    if uploaded.size > max_bytes:
        _refuse(_("文件过大（%(size).1f MB），上限为 %(max).0f MB。") % {
            "size": uploaded.size / 1024 / 1024, "max": max_bytes / 1024 / 1024})
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    detected = next((ctype for ctype, magics in MAGIC_NUMBERS.items() if any(head.startswith(m) for m in magics)),
                    None)
    if detected is None:
        _refuse(_("只接受 PDF、JPEG 或 PNG 文件。"))
    guessed, _encoding = mimetypes.guess_type(uploaded.name or "")
    if guessed and guessed != detected:
        _refuse(_("文件扩展名与内容不符（内容为 %(detected)s）。") % {"detected": detected})
    declared = (getattr(uploaded, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in GENERIC_CONTENT_TYPES and declared != detected:
        _refuse(_("声明的文件类型 %(declared)s 与内容 %(detected)s 不符。") % {"declared": declared, "detected": detected})
    if detected == "application/pdf":
        _check_pdf(uploaded)
    else:
        _check_image(uploaded)
    return CheckedFile(detected, settings.DOCUMENT_ALLOWED_TYPES[detected])
