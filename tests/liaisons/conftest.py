"""Fixtures of the liaisons tests: the seeded work calendar, a site manager, a fixed
"today", and a small factory of approval slips written directly (the workflow actions are
not needed to count slips)."""
from datetime import date, datetime, time
from decimal import Decimal
import itertools
from zoneinfo import ZoneInfo

import pytest

from cms.models import Article, ArticleKind, SitePolicy
from cms.workdays import seed_from_chinese_calendar
from liaisons import actions
from publishing.models import ApprovalSlip, SlipDecision
from publishing.workflow import SlipState

from ..factories import make_user

TZ = ZoneInfo("Asia/Shanghai")
PUB, RET, REVIEW = SlipState.PUBLISHED, SlipState.RETURNED, SlipState.DEPT_REVIEW
OFFICE, DEPT = SlipState.OFFICE_REVIEW, SlipState.DEPT_REVIEW
_numbers = itertools.count(1)


@pytest.fixture
def calendar(db):
    seed_from_chinese_calendar([2025, 2026])


@pytest.fixture
def manager(group):
    """The site manager of the national portal (holds ``manage_site`` on it)."""
    return make_user("manager", "site_manager", group.national, site=group.national, department=group.office)


@pytest.fixture
def bj_manager(group):
    return make_user("bj_manager", "site_manager", group.province, site=group.province, department=group.bj_office)


@pytest.fixture
def today(monkeypatch):
    """Pin the actions' idea of today (they refuse dates in the future)."""

    def pin(day):
        monkeypatch.setattr(actions, "_today", lambda: day)
        return day

    return pin


def at(day, hour=10, minute=0):
    """An aware datetime in Beijing time."""
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def make_slip(column, submitter, submitted, *, state, kind="news", decisions=(), published_at=None, department=None):
    """A slip as the workflow would leave it. ``decisions``: ``(transition, stage, actor, when)``."""
    article = Article.objects.create(site=column.site, column=column, kind=kind, title=f"稿件{next(_numbers)}")
    n = next(_numbers)
    slip = ApprovalSlip.objects.create(
        number=f"{column.site.code}-{submitted.year}-{n:05d}", site=column.site, year=submitted.year, sequence=n,
        article=article, column=column, department=department or column.department, title=article.title,
        payload={"title": article.title, "kind": kind}, state=state, submitted_by=submitter, submitted_at=submitted,
        stage_entered_at=decisions[-1][3] if decisions else submitted, published_at=published_at)
    for transition, stage, actor, when in decisions:
        SlipDecision.objects.create(slip=slip, transition=transition, stage=stage, actor=actor, at=when)
    return slip


def set_policy(site, **values):
    SitePolicy.objects.filter(site=site).update(**values)
    site._state.fields_cache.pop("policy", None)
    return SitePolicy.objects.get(site=site)


@pytest.fixture
def fixture_q4(group, manager, calendar):
    """Q4 2026 of the national portal, figures worked out by hand:

    纳税服务司 (liaison 张伟 = editor):
      S1 editor, news,   submitted Fri 9 Oct,  published 13 Oct → 3 working days (10 Oct is a make-up Saturday)
      S2 editor,         submitted Mon 12 Oct, returned 14 Oct  → 2
      S3 editor, policy, submitted Mon 2 Nov,  scheduled 3 Nov, published 5 Nov → 1
      S4 editor, news,   submitted 28 Sep (Q3), published 8 Oct → 3 (29, 30 Sep, 8 Oct; adopted in Q4, not submitted in Q4)
      S5 head,           submitted 10 Nov, waiting in department review
    政策法规司 (no liaison):
      S6 approver,       submitted Tue 1 Dec, returned by the office 3 Dec → 2
    办公厅 (liaison 王芳 = approver): nothing.
    Outside: S7 submitted 5 Jan 2027; S8 on the Beijing site.
    Rates: news 50, policy 100.
    """
    g = group
    actions.file_liaison(g.service, acting_user=manager, user=g.editor, name="张伟", filed_on=date(2026, 1, 5))
    actions.file_liaison(g.office, acting_user=manager, user=g.approver, name="王芳", filed_on=date(2026, 1, 5))
    actions.set_honorarium_rate(g.national, acting_user=manager, kind=ArticleKind.NEWS, amount=Decimal("50"))
    actions.set_honorarium_rate(g.national, acting_user=manager, kind=ArticleKind.POLICY, amount=Decimal("100"))
    ap = g.approver
    make_slip(g.services, g.editor, at(date(2026, 10, 9), 9), state=PUB, published_at=at(date(2026, 10, 13)),
              decisions=[("dept_approve", DEPT, g.head, at(date(2026, 10, 9), 15)),
                         ("office_publish", OFFICE, ap, at(date(2026, 10, 13)))])
    make_slip(g.services, g.editor, at(date(2026, 10, 12)), state=RET,
              decisions=[("dept_return", DEPT, g.head, at(date(2026, 10, 14)))])
    make_slip(g.services, g.editor, at(date(2026, 11, 2)), state=PUB, kind="policy", published_at=at(date(2026, 11, 5)),
              decisions=[("dept_approve", DEPT, g.head, at(date(2026, 11, 2), 14)),
                         ("office_schedule", OFFICE, ap, at(date(2026, 11, 3))),
                         ("system_publish", SlipState.SCHEDULED, ap, at(date(2026, 11, 5)))])
    make_slip(g.services, g.editor, at(date(2026, 9, 28)), state=PUB, published_at=at(date(2026, 10, 8)),
              decisions=[("office_publish", OFFICE, ap, at(date(2026, 10, 8)))])
    make_slip(g.services, g.head, at(date(2026, 11, 10)), state=REVIEW)
    make_slip(g.laws, ap, at(date(2026, 12, 1)), state=RET,
              decisions=[("office_return", OFFICE, ap, at(date(2026, 12, 3)))])
    make_slip(g.services, g.editor, at(date(2027, 1, 5)), state=REVIEW)
    make_slip(g.bj_news, g.bj_approver, at(date(2026, 10, 20)), state=PUB, published_at=at(date(2026, 10, 21)),
              decisions=[("office_publish", OFFICE, g.bj_approver, at(date(2026, 10, 21)))])
    return g
