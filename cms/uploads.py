"""Upload checks (SPEC §9): the type is decided by the content, not by the name; images are
re-encoded with Pillow so their metadata (EXIF, GPS, comments) is dropped."""
from dataclasses import dataclass
import hashlib
import html
import re
import io
import os
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# extension -> (content type, how the content is recognised)
ALLOWED = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".ofd": "application/ofd",
    ".zip": "application/zip",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
}
IMAGE_FORMATS = {"JPEG": (".jpg", "image/jpeg"), "PNG": (".png", "image/png"), "GIF": (".gif", "image/gif")}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
MAX_IMAGE_PIXELS = 40_000_000


class UploadRejected(ValidationError):
    pass


@dataclass
class CheckedUpload:
    content: bytes
    extension: str
    content_type: str
    kind: str  # "file" | "image"
    original_name: str

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


def _read(upload):
    limit = settings.TAXSITE_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRejected(_("The file is larger than the limit of %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(_("The file is larger than the limit of %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise UploadRejected(_("The file is empty."))
    return data


def _content_matches(ext, data):
    if ext == ".pdf":
        return data[:5] == b"%PDF-"
    if ext in (".doc", ".xls", ".ppt"):
        return data[:8] == OLE_MAGIC
    if ext in OOXML_PART or ext in (".ofd", ".zip"):
        if data[:4] != b"PK\x03\x04":
            return False
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        if ext in OOXML_PART:
            return "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[ext]) for n in names)
        if ext == ".ofd":
            return "OFD.xml" in names
        return True
    if ext == ".txt":
        if filetype.guess(data) is not None:
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        lowered = text[:2048].lower()
        return "<script" not in lowered and "<html" not in lowered and "<svg" not in lowered
    return False


def _reencode_image(data, name):
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            out = io.BytesIO()
            if fmt == "JPEG":
                img.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            elif fmt == "PNG":
                img.save(out, "PNG", optimize=True)
            else:
                img.save(out, "GIF")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise UploadRejected(_("“%(name)s” is not a readable image.") % {"name": name})
    if fmt not in IMAGE_FORMATS:
        raise UploadRejected(_("Images must be JPEG, PNG or GIF."))
    return fmt, out.getvalue()


def check_upload(upload, *, name=None):
    """Validate an uploaded file and return a ``CheckedUpload``; raise ``UploadRejected`` with
    a message for the editor otherwise. Nothing is stored here."""
    name = os.path.basename(name or getattr(upload, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise UploadRejected(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED))}
        )
    data = _read(upload)
    if ALLOWED[ext].startswith("image/"):
        fmt, content = _reencode_image(data, name)
        real_ext, ctype = IMAGE_FORMATS[fmt]
        if real_ext != (".jpg" if ext == ".jpeg" else ext):
            raise UploadRejected(
                _("“%(name)s” is named as %(ext)s but its content is %(fmt)s.") % {"name": name, "ext": ext, "fmt": fmt}
            )
        return CheckedUpload(content, real_ext, ctype, "image", name)
    if not _content_matches(ext, data):
        raise UploadRejected(
            _("The content of “%(name)s” is not a %(ext)s file.") % {"name": name, "ext": ext}
        )
    return CheckedUpload(data, ext, ALLOWED[ext], "file", name)


_XML_TAG = re.compile(r"<[^>]+>")
_TEXT_PARTS = {
    ".docx": ("word/document.xml", "word/footnotes.xml", "word/header", "word/footer"),
    ".pptx": ("ppt/slides/slide",),
    ".xlsx": ("xl/sharedStrings.xml",),
    ".ofd": ("Doc_",),
}
MAX_TEXT = 2_000_000


def extract_text(checked):
    """The text of an accepted upload, for the pre-submit scan (SPEC §4). Best effort: a file
    whose text cannot be read gives "" (the reviewer still sees the file); legacy binary
    Office formats (.doc/.xls/.ppt) are not parsed."""
    ext, data = checked.extension, checked.content
    try:
        if ext == ".txt":
            return data.decode("utf-8", errors="replace")[:MAX_TEXT]
        if ext in _TEXT_PARTS:
            parts = []
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for name in z.namelist():
                    if name.endswith(".xml") and name.startswith(_TEXT_PARTS[ext]):
                        xml = z.read(name).decode("utf-8", errors="replace")
                        parts.append(_XML_TAG.sub(" ", xml.replace("</w:p>", "\n").replace("</a:p>", "\n")))
            return html.unescape("\n".join(parts))[:MAX_TEXT]
        if ext == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages[:300])[:MAX_TEXT]
    except Exception:  # noqa: BLE001 - unreadable text never blocks an upload that passed the checks
        return ""
    return ""
