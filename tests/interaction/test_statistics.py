"""Public statistics per site and month: received, answered, answered on time, by kind
(issue 8, point 6; 001 §二(三)4)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from interaction import actions
from interaction.models import MessageKind
from interaction.selectors import monthly_statistics

from .conftest import HOST

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def history(hudong, monkeypatch):
    def at(*args):
        moment = datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    def submit(kind, **kw):
        kw.setdefault("accused", "某公司")
        return actions.submit_message(site=hudong.national, kind=kind, subject="主题", body="正文内容", **kw)[0]

    at(2026, 1, 5, 9)  # Monday
    on_time = submit(MessageKind.CONSULTATION)
    late = submit(MessageKind.CONSULTATION)
    submit(MessageKind.CONSULTATION)  # still open
    tip = submit(MessageKind.TAX_TIP)
    spam = submit(MessageKind.CONSULTATION)
    at(2026, 1, 7, 9)
    actions.answer_message(on_time, answer="答复", acting_user=hudong.handler)
    actions.answer_message(tip, answer="已受理", acting_user=hudong.inspector)
    actions.close_message_invalid(spam, reason="spam", acting_user=hudong.handler)
    at(2026, 1, 30, 9)  # past the seven working days
    actions.answer_message(late, answer="答复", acting_user=hudong.handler)
    at(2026, 2, 2, 9)
    report = submit(MessageKind.ERROR_REPORT, page_url="https://www.chinatax.test/")
    actions.answer_message(report, answer="已更正", acting_user=hudong.office_handler)
    monkeypatch.undo()
    return hudong


def test_monthly_statistics_count_received_answered_and_on_time_by_kind(history):
    stats = monthly_statistics(history.national, 2026)
    kinds = [k for k, _label in stats["kinds"]]
    january, february = stats["months"][0], stats["months"][1]
    consultation = january["cells"][kinds.index(MessageKind.CONSULTATION)]
    assert consultation == {"received": 3, "answered": 2, "on_time": 1}  # the spam left the counts
    assert january["cells"][kinds.index(MessageKind.TAX_TIP)] == {"received": 1, "answered": 1, "on_time": 1}
    assert january["total"] == {"received": 4, "answered": 3, "on_time": 2}
    assert february["cells"][kinds.index(MessageKind.ERROR_REPORT)] == {"received": 1, "answered": 1, "on_time": 1}
    assert stats["grand"] == {"received": 5, "answered": 4, "on_time": 3}


def test_statistics_are_per_site(history):
    assert monthly_statistics(history.province, 2026)["grand"]["received"] == 0


def test_the_statistics_page_is_public_and_shows_counts_only(client, public_urls, history):
    html = client.get("/hudong/statistics/?year=2026", HTTP_HOST=HOST).content.decode()
    assert "2026 年留言受理和答复情况" in html and "2026-01" in html
    assert "税收违法检举" in html and "按期答复" in html
    assert 'class="grand-received">5<' in html and 'class="grand-on-time">3<' in html
    assert "正文内容" not in html and "某公司" not in html


@pytest.mark.parametrize("year", ["abc", "1999", "2999"])
def test_a_bad_year_is_404(client, public_urls, hudong, year):
    assert client.get(f"/hudong/statistics/?year={year}", HTTP_HOST=HOST).status_code == 404


def test_the_statistics_take_one_query(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        monthly_statistics(history.national, 2026)
