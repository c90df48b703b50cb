"""Pre-submit scan of an article's text and its attachments' text (SPEC §4; 000 §18–19,
003 §16–17).

- Classification markers (密级标志) block the submit.
- Unmasked personal data — resident ID numbers with a valid check digit, mobile numbers,
  bank-card numbers passing the Luhn check — block unless overridden with a written reason.
- Wrong and sensitive words come from the dictionaries in the database: a category of
  severity ``block`` blocks, a ``warn`` category must be acknowledged.
"""
from dataclasses import asdict, dataclass
import re

from cms.sanitize import to_text

BLOCK, OVERRIDABLE, WARN = "block", "overridable", "warn"

# A classification marker used as a marking: one of the level words at the start of a line
# (or just inside an opening bracket), followed by ★, a closing bracket, the end of the
# line, or 级/文件/资料/材料/使用 — "机密★1年", "【秘密】", "内部资料", "涉密文件". The same
# characters inside running text ("秘密投票", "加强内部控制", "涉密人员管理") are no marking.
_MARKER_RE = re.compile(
    r"(?:^|[【\[（(「『])[ \t　]*(绝密|机密|秘密|内部|涉密)"
    r"(?=[ \t　]*(?:[★☆*＊]|[】\]）)」』]|$|级|文件|资料|材料|使用|发行))",
    re.MULTILINE,
)
_BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:p|div|br|h[1-6]|li|tr|td|th|blockquote|pre|table)\b[^>]*>", re.I)
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)(\d{16,19})(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_resident_id(number):
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17]:
        return False
    month, day = int(number[10:12]), int(number[12:14])
    return 1 <= month <= 12 and 1 <= day <= 31


def luhn_valid(number):
    digits = [int(d) for d in number][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def mask(value):
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


@dataclass(frozen=True)
class Finding:
    code: str        # classification_marker | resident_id | mobile | bank_card | word:<category id>
    severity: str    # block | overridable | warn
    match: str       # masked where it is personal data
    where: str       # "title", "body", "attachment:<name>"
    message: str
    suggestion: str = ""

    def as_dict(self):
        return asdict(self)


def _scan_text(text, where, words):
    from django.utils.translation import gettext as _

    found = []
    for m in _MARKER_RE.finditer(text):
        marker = m.group(1)
        found.append(Finding("classification_marker", BLOCK, marker, where,
                             _("Classification marker “%(m)s”: classified content must never be published.") % {"m": marker}))
    for m in _ID_RE.finditer(text):
        if valid_resident_id(m.group(1)):
            found.append(Finding("resident_id", OVERRIDABLE, mask(m.group(1)), where,
                                 _("Unmasked resident ID number.")))
    for m in _MOBILE_RE.finditer(text):
        found.append(Finding("mobile", OVERRIDABLE, mask(m.group(1)), where, _("Unmasked mobile number.")))
    for m in _CARD_RE.finditer(text):
        number = m.group(1)
        if luhn_valid(number) and not (len(number) == 18 and valid_resident_id(number)):
            found.append(Finding("bank_card", OVERRIDABLE, mask(number), where, _("Unmasked bank-card number.")))
    for category_id, severity, category_name, word, suggestion in words:
        if word and word in text:
            msg = (_("“%(w)s” (%(c)s): use “%(s)s”.") if suggestion else _("“%(w)s” (%(c)s).")) % {
                "w": word, "c": category_name, "s": suggestion}
            found.append(Finding(f"word:{category_id}", BLOCK if severity == "block" else WARN, word, where, msg,
                                 suggestion))
    return found


def load_words():
    from .models import SensitiveWord

    return list(SensitiveWord.objects.values_list("category_id", "category__severity", "category__name", "word",
                                                  "suggestion"))


def scan_content(title, body_html, attachments_text=(), *, words=None):
    """Scan a revision. ``attachments_text`` is a list of (name, text). Returns findings."""
    words = load_words() if words is None else words
    findings = _scan_text(title or "", "title", words)
    findings += _scan_text(to_text(_BLOCK_TAG_RE.sub("\n", body_html or "")), "body", words)
    for name, text in attachments_text:
        findings += _scan_text(text or "", f"attachment:{name}", words)
    return findings


def finding_key(finding):
    return f"{finding.code}|{finding.where}|{finding.match}"
