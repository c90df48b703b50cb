"""The one module that cleans editors' HTML (SPEC §9). Everything that stores or renders
editor HTML goes through ``clean_html``; the policy is the table below, nowhere else.

Inline ``style`` is not allowed: the portal's Content-Security-Policy forbids inline style
(SPEC §6), so a style attribute would be dead weight at best. The layout that official
documents need (centred titles, right-aligned signatures, first-line indent) comes from
the short list of classes in ``POLICY["classes"]``, which ``static/portal/portal.css``
defines.
"""
import bleach

POLICY = {
    "tags": frozenset({
        "p", "br", "hr", "div", "span", "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code",
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
        "a", "img", "figure", "figcaption", "abbr",
    }),
    "attributes": {
        "*": frozenset({"class", "title", "lang", "dir"}),
        "a": frozenset({"href", "title", "rel"}),
        "img": frozenset({"src", "alt", "title", "width", "height"}),
        "th": frozenset({"colspan", "rowspan", "scope"}),
        "td": frozenset({"colspan", "rowspan"}),
        "col": frozenset({"span"}),
        "colgroup": frozenset({"span"}),
        "ol": frozenset({"start", "type"}),
    },
    "protocols": frozenset({"http", "https", "mailto", "tel"}),
    "classes": frozenset({"text-center", "text-right", "text-left", "indent", "table-bordered", "signature"}),
}


def _allowed_attribute(tag, name, value):
    allowed = POLICY["attributes"].get(tag, frozenset()) | POLICY["attributes"]["*"]
    if name not in allowed:
        return False
    if name == "class":
        return all(c in POLICY["classes"] for c in value.split())
    return True


_cleaner = bleach.sanitizer.Cleaner(
    tags=POLICY["tags"],
    attributes=_allowed_attribute,
    protocols=POLICY["protocols"],
    strip=True,
    strip_comments=True,
)


def clean_html(html):
    """Return ``html`` with everything outside the policy removed; the text is kept."""
    if not html:
        return ""
    return _cleaner.clean(html)


def to_text(html):
    """Plain text of HTML (for scanning and search)."""
    return bleach.clean(html or "", tags=set(), strip=True, strip_comments=True)
