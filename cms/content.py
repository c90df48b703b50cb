"""The content of an article revision as plain data (for slips, pending edits and diffs)."""
from datetime import date, datetime

from django.utils.dateparse import parse_date, parse_datetime

from .models import Article

#: Fields an editor writes; together they are "the content" a slip freezes.
CONTENT_FIELDS = (
    "kind", "title", "subtitle", "summary", "body", "author_name", "origin", "source_name", "source_url",
    "display_date", "expire_at", "is_important", "index_number", "topic_category", "issuing_organ", "doc_number",
    "date_written", "validity", "validity_date", "superseded_by", "interprets",
)
_FK = {"superseded_by", "interprets"}
_DATETIME = {"display_date", "expire_at"}
_DATE = {"date_written", "validity_date"}


def to_data(article):
    """Serialise the content of an article instance (its current attribute values)."""
    data = {"column": article.column_id}
    for name in CONTENT_FIELDS:
        if name in _FK:
            data[name] = getattr(article, f"{name}_id")
        else:
            value = getattr(article, name)
            data[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return data


def from_data(data):
    """Field values (for ``setattr``) from serialised content."""
    values = {}
    for name, value in data.items():
        if name == "column":
            values["column_id"] = value
        elif name in _FK:
            values[f"{name}_id"] = value
        elif name in _DATETIME:
            values[name] = parse_datetime(value) if value else None
        elif name in _DATE:
            values[name] = parse_date(value) if value else None
        elif name in CONTENT_FIELDS:
            values[name] = value
    return values


def working_copy(article):
    """An unsaved Article carrying the content an editor is working on: the pending edit of
    a public article if there is one, else the article itself."""
    pending = getattr(article, "pending_draft", None) if article.pk else None
    if pending is None:
        return article
    copy = Article.objects.get(pk=article.pk)
    for name, value in from_data(pending.data).items():
        setattr(copy, name, value)
    return copy


def diff(old, new):
    """Field-by-field differences between two content dicts: [(field, old, new)]."""
    return [(name, old.get(name), new.get(name)) for name in ("column",) + CONTENT_FIELDS
            if old.get(name) != new.get(name)]
