"""The sender looks up status and answer with the tracking number and the query code; a wrong
pair gets one generic refusal (issue 8, point 1)."""
import re

import pytest

from interaction import actions
from interaction.models import MessageKind

from .conftest import HOST

pytestmark = pytest.mark.django_db

REFUSAL = "留言编号与查询码不匹配"


def _lookup(client, number, code, address="192.0.2.10"):
    return client.post("/hudong/lookup/", {"tracking_number": number, "code": code}, HTTP_HOST=HOST,
                       REMOTE_ADDR=address)


def _without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_sender_reads_the_status_and_the_answer_with_number_and_code(client, submit, hudong):
    _r, message, code = submit()
    waiting = _lookup(client, message.tracking_number, code).content.decode()
    assert "办理中" in waiting and message.deadline.isoformat() in waiting
    actions.answer_message(message, answer="该政策继续执行至2027年12月31日。", acting_user=hudong.handler)
    html = _lookup(client, message.tracking_number, code).content.decode()
    assert "已答复" in html and "该政策继续执行至2027年12月31日。" in html
    assert "纳税服务司" in html  # the answering department
    assert message.received_on.isoformat() in html


def test_the_lookup_refuses_a_wrong_code_without_telling_whether_the_number_exists(client, submit):
    _r, message, code = submit()
    wrong_code = _lookup(client, message.tracking_number, "ABCD-EFGH-JKLM")
    no_such_number = _lookup(client, "national-20200101-9999", code)
    assert wrong_code.status_code == no_such_number.status_code == 404
    assert REFUSAL in wrong_code.content.decode() and REFUSAL in no_such_number.content.decode()
    # Apart from the number the visitor typed, the two answers are the same page.
    a = _without_csrf(wrong_code.content.decode()).replace(message.tracking_number, "N")
    b = _without_csrf(no_such_number.content.decode()).replace("national-20200101-9999", "N")
    assert a == b


@pytest.mark.parametrize("number", ["national-20991231-0001", "", "' OR 1=1 --", "x" * 500])
def test_a_tracking_number_that_does_not_exist_gets_a_clear_answer(client, public_urls, hudong, number):
    response = _lookup(client, number, "ABCD-EFGH-JKLM")
    assert response.status_code == 404 and REFUSAL in response.content.decode()


def test_the_code_may_be_typed_without_dashes_and_in_lower_case(client, submit):
    _r, message, code = submit()
    response = _lookup(client, message.tracking_number.upper(), code.replace("-", "").lower())
    assert response.status_code == 200 and message.tracking_number in response.content.decode()


def test_the_query_code_is_stored_only_as_a_hash(submit):
    _r, message, code = submit()
    assert code.replace("-", "") not in message.query_code_hash
    algorithm, salt, digest = message.query_code_hash.split("$")
    assert algorithm == "sha256" and len(salt) == 32 and len(digest) == 64


def test_repeated_failed_lookups_from_one_address_are_stopped(client, submit):
    _r, message, code = submit()
    for _ in range(10):
        assert _lookup(client, message.tracking_number, "WRON-GCOD-EXXX", address="192.0.2.99").status_code == 404
    blocked = _lookup(client, message.tracking_number, code, address="192.0.2.99")
    assert blocked.status_code == 429 and "查询失败次数过多" in blocked.content.decode()
    assert _lookup(client, message.tracking_number, code, address="192.0.2.100").status_code == 200


def test_the_lookup_of_a_tip_shows_status_and_answer_but_not_the_report_again(client, submit, hudong):
    _r, tip, code = submit(MessageKind.TAX_TIP)
    actions.answer_message(tip, answer="您的检举已受理，将依法处理。", acting_user=hudong.inspector)
    html = _lookup(client, tip.tracking_number, code).content.decode()
    assert "您的检举已受理" in html and "虚开增值税专用发票" not in html


def test_an_invalid_message_shows_its_reason_to_the_sender(client, submit, hudong):
    _r, message, code = submit()
    actions.close_message_invalid(message, reason="out_of_scope", acting_user=hudong.handler)
    html = _lookup(client, message.tracking_number, code).content.decode()
    assert "已作无效处理" in html and "不属于税务部门职责范围" in html


def test_the_lookup_form_is_not_cached_and_takes_the_number_from_the_link(client, public_urls, hudong):
    response = client.get("/hudong/lookup/?n=national-20260101-0001", HTTP_HOST=HOST)
    assert 'value="national-20260101-0001"' in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
