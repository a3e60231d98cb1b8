"""Checks on uploaded documents: real PDF/JPEG/PNG by content, size limits, no active PDF content, no image bombs."""
import mimetypes
import re
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
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|AA|OpenAction)\b")
GENERIC_CONTENT_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel scan is plenty; more is a decompression bomb


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str


def _refuse(message: str):
    raise ValidationError({"file": message})


def _decode_pdf_name_escapes(data: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data)


def _check_pdf(uploaded) -> None:
    uploaded.seek(0)
    data = b"".join(uploaded.chunks())
    uploaded.seek(0)
    if b"%%EOF" not in data[-2048:]:
        _refuse(_("PDF 文件不完整或已损坏。"))
    if PDF_ACTIVE_CONTENT.search(_decode_pdf_name_escapes(data)):
        _refuse(_("PDF 含有脚本或自动执行的动作，出于安全原因不予接受；请另存为普通 PDF 后再上传。"))


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
