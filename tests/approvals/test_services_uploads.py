"""Bad files are refused with a clear message, and the rest of the draft is kept."""
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import DocumentVersion
from approvals.services import document_upload, section_save
from tests import factories


def upload(draft, organizer, name, content, content_type="application/pdf", code="event_plan"):
    return document_upload(application=draft, user=organizer, document_type_code=code,
                           uploaded=SimpleUploadedFile(name, content, content_type=content_type))


def refused_message(draft, organizer, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        upload(draft, organizer, *args, **kwargs)
    return refused.value.message_dict["file"][0]


def png_with_dimensions(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given size (a decompression bomb looks like this)."""
    original = factories.png_bytes(1, 1)
    ihdr = struct.pack(">II", width, height) + original[24:29]
    chunk = b"IHDR" + ihdr
    return original[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + original[33:]


def test_real_pdf_and_png_are_accepted_and_every_version_is_kept(draft, organizer):
    first = upload(draft, organizer, "plan.pdf", factories.PDF_BYTES)
    second = upload(draft, organizer, "plan.png", factories.png_bytes(), content_type="image/png")
    assert (first.number, second.number) == (1, 2)
    assert DocumentVersion.objects.filter(document__application=draft).count() == 2
    document = draft.documents.get(document_type__code="event_plan")
    assert document.current_version == second


def test_forged_extension_is_refused(draft, organizer):
    message = refused_message(draft, organizer, "plan.pdf", b"MZ\x90\x00 this is a windows program")
    assert "PDF、JPEG 或 PNG" in message


def test_pdf_content_named_as_png_is_refused(draft, organizer):
    assert "扩展名与内容不符" in refused_message(draft, organizer, "photo.png", factories.PDF_BYTES,
                                                 content_type="image/png")


def test_declared_content_type_that_contradicts_the_content_is_refused(draft, organizer):
    assert "声明的文件类型" in refused_message(draft, organizer, "plan", factories.PDF_BYTES,
                                              content_type="image/jpeg")


def test_oversized_file_is_refused(draft, organizer, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    assert "文件过大" in refused_message(draft, organizer, "big.pdf", factories.PDF_BYTES + b" " * 2048)


def test_empty_file_is_refused(draft, organizer):
    assert "文件为空" in refused_message(draft, organizer, "empty.pdf", b"")


@pytest.mark.parametrize("action", [b"/JavaScript (app.alert(1))", b"/JS (x)", b"/OpenAction 3 0 R",
                                    b"/Launch << /F (cmd.exe) >>", b"/J#61vaScript (obfuscated)"])
def test_pdf_with_script_or_automatic_action_is_refused(draft, organizer, action):
    content = b"%PDF-1.7\n1 0 obj << /Type /Catalog " + action + b" >> endobj\ntrailer<<>>\n%%EOF\n"
    assert "脚本" in refused_message(draft, organizer, "evil.pdf", content)


@pytest.mark.parametrize("side", [10_000, 100_000])  # over our limit; over Pillow's own bomb limit
def test_image_bomb_is_refused(draft, organizer, side):
    assert "尺寸过大" in refused_message(draft, organizer, "bomb.png", png_with_dimensions(side, side),
                                         content_type="image/png")


def test_corrupt_image_is_refused(draft, organizer):
    assert "损坏" in refused_message(draft, organizer, "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                                     content_type="image/png")


def test_refused_upload_keeps_the_rest_of_the_draft(draft, organizer):
    section_save(application=draft, user=organizer, section_code="overview", raw_data={"sessions": 2},
                 narrative="两场")
    upload(draft, organizer, "plan.pdf", factories.PDF_BYTES)
    refused_message(draft, organizer, "evil.pdf", b"%PDF-1.4 /JavaScript %%EOF")
    document = draft.documents.get(document_type__code="event_plan")
    assert document.current_version.number == 1
    assert draft.sections.get(section__code="overview").data == {"sessions": 2}
