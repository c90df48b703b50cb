"""Removing a sender's personal data from text that is about to be published (SPEC §9: taxpayers'
personal data is never published).

What goes: the name the sender gave (in full, and as surname + form of address such as 张先生),
resident identity numbers (18 and 15 digits), mobile and fixed-line telephone numbers, bank-card
numbers and e-mail addresses. Each is replaced by ``MASK``. The rules are deliberately greedy:
a published answer that loses a harmless long number is better than one that keeps a phone
number.
"""
import re

MASK = "＊＊＊"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s*(?:@|＠|\(at\)|\[at\])\s*[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# 18-digit identity number (last character may be X) and the old 15-digit form; bank cards of
# 16–19 digits; written with or without spaces/hyphens between groups.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{6}[\s\-]?(?:18|19|20)\d{2}[\s\-]?\d{4}[\s\-]?\d{3}[\dXx](?![0-9A-Za-z])")
_ID_CARD_OLD = re.compile(r"(?<!\d)\d{15}(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)\d{4}(?:[\s\-]?\d{4}){3}(?:[\s\-]?\d{1,3})?(?!\d)")
# Mobile numbers (+86 / 0086 optional, separators allowed) and fixed lines with area code.
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[\s\-]?)\d{7,8}(?:-\d{1,6})?(?!\d)")
_TITLES = "先生|女士|小姐|同志|老师|师傅|师父|老板|会计|经理"


def _name_patterns(names):
    patterns = []
    for name in names:
        name = (name or "").strip()
        if len(name) < 2:  # a single character cannot be masked without masking every word that has it
            continue
        patterns.append(re.escape(name))
        # A Chinese name of 2–4 characters also appears as surname + form of address.
        if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", name):
            patterns.append(re.escape(name[0]) + f"(?:{_TITLES})")
            if len(name) >= 3:  # compound surnames (欧阳, 司马 …)
                patterns.append(re.escape(name[:2]) + f"(?:{_TITLES})")
            # The given name alone (e.g. 小明 of 王小明), when it is two characters long.
            if len(name) == 3:
                patterns.append(re.escape(name[1:]))
    return patterns


def redact(text, *, names=()):
    """``text`` with personal data replaced by ``MASK``."""
    if not text:
        return ""
    out = _EMAIL.sub(MASK, text)
    out = _ID_CARD.sub(MASK, out)
    out = _BANK_CARD.sub(MASK, out)
    out = _ID_CARD_OLD.sub(MASK, out)
    out = _MOBILE.sub(MASK, out)
    out = _LANDLINE.sub(MASK, out)
    for pattern in sorted(_name_patterns(names), key=len, reverse=True):
        out = re.sub(pattern, MASK, out, flags=re.IGNORECASE)
    return out


def personal_data_left(text, *, names=()):
    """True if ``text`` still contains something ``redact`` would remove."""
    return redact(text, names=names) != (text or "")
