"""Reading a new-media account's RSS 2.0 or Atom feed (standard library only).

``parse_feed`` never touches the database: it turns bytes into ``FeedEntry`` values or
raises ``FeedError`` with the line and column of the fault, so the import can refuse a
malformed feed before it writes anything. Documents that declare entities are refused
(the XML-bomb and external-entity tricks need a declaration); the size is capped.
"""
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
import re
import urllib.request
import xml.etree.ElementTree as ET

from django.utils import timezone
from django.utils.translation import gettext as _

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_FEED_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 10


class FeedError(Exception):
    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    title: str
    link: str
    published_at: datetime


@dataclass
class ParsedFeed:
    entries: list
    skipped: list  # messages for entries that could not be used


def read_source(source):
    """The bytes of a feed given as a URL (http/https, short timeout) or a file path."""
    source = str(source).strip()
    if re.match(r"^https?://", source, re.I):
        request = urllib.request.Request(source, headers={"User-Agent": "taxsite-feed-import/1"})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
                data = response.read(MAX_FEED_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise FeedError(_("The feed could not be fetched: %(error)s") % {"error": exc}) from exc
    elif "://" in source:
        raise FeedError(_("Only http and https feed addresses can be fetched."))
    else:
        try:
            with Path(source).open("rb") as fh:
                data = fh.read(MAX_FEED_BYTES + 1)
        except OSError as exc:
            raise FeedError(_("The feed file could not be read: %(error)s") % {"error": exc}) from exc
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(_("The feed is larger than %(size)s MB.") % {"size": MAX_FEED_BYTES // (1024 * 1024)})
    return data


def parse_feed(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(_("The feed is larger than %(size)s MB.") % {"size": MAX_FEED_BYTES // (1024 * 1024)})
    if b"<!ENTITY" in data:
        raise FeedError(_("The feed declares XML entities; such feeds are refused."))
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise FeedError(_("The feed is not well-formed XML at line %(line)s, column %(column)s.")
                        % {"line": line, "column": column + 1}, line, column + 1) from exc
    if root.tag == "rss" or root.tag == "rdf:RDF" or root.tag.endswith("}RDF"):
        channel = root.find("channel")
        items = (channel.findall("item") if channel is not None else []) or root.findall("item")
        return _collect(items, _rss_entry)
    if root.tag == f"{ATOM}feed":
        return _collect(root.findall(f"{ATOM}entry"), _atom_entry)
    raise FeedError(_("This is not an RSS 2.0 or Atom feed (root element “%(tag)s”).") % {"tag": root.tag})


def _collect(elements, reader):
    entries, skipped = [], []
    for position, element in enumerate(elements, start=1):
        try:
            entries.append(reader(element))
        except ValueError as exc:
            skipped.append(_("Entry %(n)s skipped: %(reason)s") % {"n": position, "reason": exc})
    return ParsedFeed(entries, skipped)


def _text(element, path):
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _rss_entry(item):
    title = _text(item, "title")
    link = _text(item, "link")
    guid = _text(item, "guid") or link
    raw_date = _text(item, "pubDate") or _text(item, "{http://purl.org/dc/elements/1.1/}date")
    if not raw_date:
        raise ValueError(_("no publication date"))
    try:
        published = parsedate_to_datetime(raw_date)
    except (TypeError, ValueError):
        published = _iso_datetime(raw_date)
    return _entry(guid, title, link, published)


def _atom_entry(entry):
    title = _text(entry, f"{ATOM}title")
    link = ""
    for candidate in entry.findall(f"{ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            link = candidate.get("href").strip()
            break
    guid = _text(entry, f"{ATOM}id") or link
    raw_date = _text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated")
    if not raw_date:
        raise ValueError(_("no publication date"))
    return _entry(guid, title, link, _iso_datetime(raw_date))


def _iso_datetime(raw):
    try:
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(_("unreadable date “%(date)s”") % {"date": raw[:40]}) from None


def _entry(guid, title, link, published):
    if not guid:
        raise ValueError(_("neither a guid/id nor a link"))
    if timezone.is_naive(published):  # no zone given: the site's local time
        published = timezone.make_aware(published)
    if link and not re.match(r"^https?://", link, re.I):
        link = ""
    return FeedEntry(guid=guid[:500], title=(title or link or guid)[:300], link=link[:500], published_at=published)
