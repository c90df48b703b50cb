"""The spot-check checklists (抽查) as data: one list per kind of item. The admin form, the
action that records results and the reports all read these tables."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CheckPoint:
    code: str
    label: str


#: For a sampled sub-site (national inspection indicators, 国办秘函〔2019〕19号; 001 §二(三)).
SUBSITE_CHECKLIST = (
    CheckPoint("reachable", _("Home page opens within 15 seconds")),
    CheckPoint("home_updated", _("Home page has a new item within 14 days")),
    CheckPoint("key_columns_fresh", _("News, notice and policy columns updated in time")),
    CheckPoint("no_blank_columns", _("No blank columns")),
    CheckPoint("footer_identifiers", _("Footer shows site identifier code, ICP and public-security numbers")),
    CheckPoint("interaction_answered", _("Public messages answered within the time limit")),
    CheckPoint("links_valid", _("No broken links or missing attachments")),
    CheckPoint("content_correct", _("No wrong or sensitive words, no classified content")),
)

#: For a sampled column.
COLUMN_CHECKLIST = (
    CheckPoint("updated_in_time", _("Updated within its expected interval")),
    CheckPoint("not_blank", _("Not blank")),
    CheckPoint("content_accurate", _("Content accurate, no wrong or sensitive words")),
    CheckPoint("links_valid", _("Links and attachments open")),
    CheckPoint("metadata_complete", _("Column and article meta tags complete")),
)

CHECKLISTS = {"subsite": SUBSITE_CHECKLIST, "column": COLUMN_CHECKLIST}


def checklist_for(target):
    return CHECKLISTS[target]
