"""Uploads are checked by content, not by name; images are re-encoded (SPEC §9)."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cms.uploads import UploadRejected, check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png_with_metadata():
    from PIL import PngImagePlugin

    img = Image.new("RGB", (20, 10), "red")
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13800138000")
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg_with_exif():
    img = Image.new("RGB", (20, 10), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_real_pdf_is_accepted():
    checked = check_upload(SimpleUploadedFile("指南.pdf", PDF))
    assert checked.content_type == "application/pdf" and checked.kind == "file"


def test_an_html_page_named_pdf_is_refused():
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>"))


def test_an_executable_named_docx_is_refused():
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("表格.docx", b"MZ\x90\x00" + b"\x00" * 100))


def test_a_plain_zip_named_docx_is_refused_but_a_real_docx_passes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "x")
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("a.docx", buf.getvalue()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert check_upload(SimpleUploadedFile("a.docx", buf.getvalue())).extension == ".docx"


def test_a_script_or_svg_is_refused_whatever_its_name():
    for name, data in [("a.svg", b"<svg onload=alert(1)/>"), ("a.html", b"<p>x</p>"),
                       ("a.txt", b"<script>alert(1)</script>"), ("a.js", b"alert(1)")]:
        with pytest.raises(UploadRejected):
            check_upload(SimpleUploadedFile(name, data))


def test_a_png_named_jpg_is_refused_with_a_message():
    with pytest.raises(UploadRejected) as err:
        check_upload(SimpleUploadedFile("photo.jpg", _png_with_metadata()))
    assert "PNG" in str(err.value.messages)


def test_images_are_reencoded_without_their_metadata():
    png = check_upload(SimpleUploadedFile("a.png", _png_with_metadata()))
    assert b"13800138000" not in png.content
    jpeg = check_upload(SimpleUploadedFile("a.jpg", _jpeg_with_exif()))
    assert b"SecretCamera" not in jpeg.content
    assert Image.open(io.BytesIO(jpeg.content)).size == (20, 10)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.TAXSITE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("empty.pdf", b""))
