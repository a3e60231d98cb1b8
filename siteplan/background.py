"""A site plan's background: an uploaded image (PNG, JPEG, WebP) or the first page of an uploaded PDF, checked
by content and turned into the image the plan shows under its drawing.

Only the checked, re-encoded image is stored: the upload itself (an image with its metadata, a PDF with
whatever it carries) is never kept nor served. A PDF's first page is rendered by poppler's `pdftoppm`
(installed by scripts/setup.sh) in a temporary directory, bounded in time and in pixels.
"""
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIELD = "background"
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
PDF_MAGIC = b"%PDF-"
RENDER_LONG_SIDE_PX = 3000  # a PDF page rendered so that its longer side has this many pixels
RENDER_SECONDS = 20


@dataclass(frozen=True)
class Background:
    content: bytes
    extension: str  # png, jpg, webp
    width_px: int
    height_px: int
    source: str  # "image" or "pdf" (SitePlan.Background)


def max_bytes() -> int:
    return getattr(settings, "SITEPLAN_BACKGROUND_MAX_BYTES", 15 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "SITEPLAN_BACKGROUND_MAX_PIXELS", 40_000_000)


def _refuse(message: str):
    raise ValidationError({FIELD: [message]})


def read_background(uploaded) -> Background:
    """The background of an upload, or a ValidationError on the `background` field saying why not."""
    if not uploaded or not uploaded.size:
        _refuse(_("文件为空。"))
    if uploaded.size > max_bytes():
        _refuse(_("底图文件过大（%(size).1f MB），上限为 %(max).0f MB。") % {
            "size": uploaded.size / 1024 / 1024, "max": max_bytes() / 1024 / 1024})
    uploaded.seek(0)
    data = b"".join(uploaded.chunks())
    if data.startswith(PDF_MAGIC):
        return _from_pdf(data)
    return _from_image(data)


def _from_image(data: bytes, *, source: str = "image") -> Background:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
    except Image.DecompressionBombError:
        _refuse(_("图片尺寸过大，疑似压缩炸弹，不予接受。"))
    except Exception:
        _refuse(_("只接受 PNG、JPEG、WebP 图片或 PDF 文件。"))
    if kind not in IMAGE_FORMATS:
        _refuse(_("只接受 PNG、JPEG、WebP 图片或 PDF 文件。"))
    if width * height > max_pixels():
        _refuse(_("图片尺寸过大（%(w)s×%(h)s 像素），上限为 %(max)s 万像素。") % {
            "w": width, "h": height, "max": max_pixels() // 10_000})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() reads the structure; load() decodes every pixel (a truncated file fails here)
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90)
            elif kind == "WEBP":
                image.save(out, "WEBP", quality=90)
            else:
                image.save(out, "PNG", optimize=False)
            width, height = image.size
    except ValidationError:
        raise
    except Exception:
        _refuse(_("图片文件已损坏，无法读取。"))
    return Background(out.getvalue(), IMAGE_FORMATS[kind], width, height, source)


def _from_pdf(data: bytes) -> Background:
    if shutil.which("pdftoppm") is None:  # pragma: no cover - scripts/setup.sh installs poppler
        _refuse(_("服务器暂时无法处理 PDF 底图，请上传图片。"))
    with tempfile.TemporaryDirectory(prefix="siteplan-") as folder:
        source = Path(folder) / "plan.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                ["pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", str(RENDER_LONG_SIDE_PX),
                 str(source), str(Path(folder) / "page")],
                capture_output=True, timeout=RENDER_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            _refuse(_("PDF 第一页无法在限定时间内转换为图片，请另存为图片后上传。"))
        page = Path(folder) / "page.png"
        if done.returncode != 0 or not page.exists():
            _refuse(_("PDF 文件不完整或已损坏，无法读取第一页。"))
        return _from_image(page.read_bytes(), source="pdf")
