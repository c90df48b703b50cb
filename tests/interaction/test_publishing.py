"""Published answers (Q&A): consent, personal data removed, dates and department shown, similar
answers suggested while the visitor types (issue 8, point 5)."""
import json
import re

import pytest

from cms.exceptions import ActionRefused
from interaction import actions, search
from interaction.models import MessageKind, PublishedAnswer
from interaction.redact import MASK, redact

from .conftest import HOST

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER, EMAIL = "李小明", "13812345678", "11010119900307123X", "lixiaoming@example.com"


def _consultation(hudong, *, consent=True, subject="个人所得税专项附加扣除子女教育如何申报", body=None):
    body = body or (f"我是{NAME}，身份证号{ID_NUMBER}，手机{PHONE}，邮箱{EMAIL}。请问子女教育专项附加扣除如何申报？"
                    "也可致电010-12345678联系李先生。")
    message, _code = actions.submit_message(
        site=hudong.national, kind=MessageKind.CONSULTATION, subject=subject, body=body, sender_name=NAME,
        sender_phone=PHONE, sender_email=EMAIL, publish_consent=consent)
    return message


def _answered(hudong, **kw):
    message = _consultation(hudong, **kw)
    return actions.answer_message(
        message, acting_user=hudong.handler,
        answer=f"{NAME}您好：您可以通过个人所得税APP填报子女教育专项附加扣除。如有疑问请回复{EMAIL}或拨打{PHONE}。小明同学请留意。")


def test_a_published_answer_contains_no_name_phone_id_number_or_email_of_the_sender(client, public_urls, hudong):
    published = actions.publish_answer(_answered(hudong), acting_user=hudong.handler)
    html = client.get(f"/hudong/answers/{published.pk}.html", HTTP_HOST=HOST).content.decode()
    for personal in (NAME, "李先生", "小明", PHONE, ID_NUMBER, ID_NUMBER.lower(), EMAIL, "010-12345678"):
        assert personal not in html, personal
        assert personal not in published.question + published.answer + published.title
    assert "子女教育专项附加扣除" in html and "个人所得税APP" in html


def test_edited_text_is_cleaned_again_when_published(hudong):
    published = actions.publish_answer(_answered(hudong), acting_user=hudong.handler, title="子女教育扣除",
                                       question=f"{NAME}问：如何申报？电话 138 1234 5678", answer=f"请联系{EMAIL}")
    assert NAME not in published.question and "138 1234 5678" not in published.question
    assert EMAIL not in published.answer


def test_publishing_needs_the_senders_consent(hudong):
    with pytest.raises(ActionRefused):
        actions.publish_answer(_answered(hudong, consent=False), acting_user=hudong.handler)


def test_only_answered_messages_are_published(hudong):
    with pytest.raises(ActionRefused):
        actions.publish_answer(_consultation(hudong), acting_user=hudong.handler)


def test_a_published_answer_shows_the_dates_the_department_and_the_answer(client, public_urls, hudong):
    message = _answered(hudong)
    published = actions.publish_answer(message, acting_user=hudong.handler)
    html = client.get(f"/hudong/answers/{published.pk}.html", HTTP_HOST=HOST).content.decode()
    assert "来信日期" in html and message.received_on.isoformat() in html
    assert "答复日期" in html and message.answered_on.isoformat() in html
    assert "答复部门" in html and "纳税服务司" in html
    assert "个人所得税APP" in html
    listing = client.get("/hudong/answers/", HTTP_HOST=HOST).content.decode()
    assert published.title in listing


def test_a_published_answer_is_not_published_twice_and_can_be_withdrawn(client, public_urls, hudong):
    message = _answered(hudong)
    published = actions.publish_answer(message, acting_user=hudong.handler)
    with pytest.raises(ActionRefused):
        actions.publish_answer(message, acting_user=hudong.supervisor)
    with pytest.raises(ActionRefused):
        actions.unpublish_answer(published, reason="", acting_user=hudong.handler)
    actions.unpublish_answer(published, reason="政策已调整", acting_user=hudong.supervisor)
    assert client.get(f"/hudong/answers/{published.pk}.html", HTTP_HOST=HOST).status_code == 404
    assert PublishedAnswer.objects.filter(pk=published.pk, is_public=False).exists()
    again = actions.publish_answer(message, acting_user=hudong.handler)
    assert again.pk == published.pk and again.is_public


def test_an_answer_of_another_site_is_not_shown_here(client, public_urls, hudong):
    published = actions.publish_answer(_answered(hudong), acting_user=hudong.handler)
    assert client.get(f"/site/beijing/hudong/answers/{published.pk}.html", HTTP_HOST="127.0.0.1").status_code == 404


def test_similar_published_answers_are_suggested_while_typing(client, public_urls, hudong):
    wanted = actions.publish_answer(_answered(hudong), acting_user=hudong.handler)
    other = actions.publish_answer(_answered(hudong, subject="车辆购置税减免", body="新能源汽车是否免征车辆购置税？"),
                                   acting_user=hudong.handler)
    response = client.get("/hudong/suggest/", {"q": "孩子上学的子女教育扣除怎么填"}, HTTP_HOST=HOST)
    results = json.loads(response.content)["results"]
    assert results and results[0]["title"] == wanted.title
    assert results[0]["url"] == f"/hudong/answers/{wanted.pk}.html"
    assert other.title not in [r["title"] for r in results]


def test_without_javascript_the_find_similar_button_shows_the_answers_and_sends_nothing(client, public_urls, hudong):
    from interaction.models import Message

    wanted = actions.publish_answer(_answered(hudong), acting_user=hudong.handler)
    before = Message.objects.count()
    from .conftest import form_data

    data = form_data(subject="子女教育专项附加扣除", body="请问如何申报子女教育扣除？", find_similar="1")
    html = client.post("/hudong/write/consultation/", data, HTTP_HOST=HOST).content.decode()
    assert wanted.title in html and "相似的公开答复" in html
    assert 'value="子女教育专项附加扣除"' in html  # the visitor's text is kept
    assert Message.objects.count() == before


def test_the_segmenter_splits_chinese_into_words():
    words = search.tokens("个人所得税专项附加扣除怎么申报")
    assert "个人所得税" in words and "专项" in words and "申报" in words and "怎么" not in words


def test_suggest_ranks_the_closest_answer_first_and_ignores_unpublished_ones(hudong):
    a = actions.publish_answer(_answered(hudong, subject="增值税小规模纳税人免税", body="小规模纳税人增值税免税标准？"),
                               acting_user=hudong.handler)
    b = actions.publish_answer(_answered(hudong, subject="增值税发票开具", body="增值税专用发票如何开具？"),
                               acting_user=hudong.handler)
    assert search.suggest(hudong.national, "小规模纳税人增值税免税")[0] == a
    actions.unpublish_answer(a, reason="过时", acting_user=hudong.handler)
    assert a not in search.suggest(hudong.national, "小规模纳税人增值税免税")
    assert b in search.suggest(hudong.national, "增值税发票")
    assert search.suggest(hudong.national, "") == [] and search.suggest(hudong.national, "的了吗") == []


@pytest.mark.parametrize("text, secret", [
    ("身份证110101199003071234", "110101199003071234"),
    ("身份证 110101 19900307 123X", "110101 19900307 123X"),
    ("老身份证110101900307123", "110101900307123"),
    ("手机13812345678", "13812345678"),
    ("手机 +86 138-1234-5678", "138-1234-5678"),
    ("电话(010)12345678转", "12345678"),
    ("电话0755-87654321", "87654321"),
    ("卡号6222 0212 3456 7890 123", "6222 0212 3456 7890"),
    ("邮箱 a.b-c@mail.example.com.cn", "a.b-c@mail.example.com.cn"),
    ("邮箱 abc＠example.com", "abc＠example.com"),
])
def test_personal_numbers_and_addresses_are_masked(text, secret):
    out = redact(text)
    assert secret not in out and MASK in out


def test_the_senders_name_is_masked_in_full_and_as_surname_with_form_of_address():
    out = redact("王小明您好，王先生的问题已转交，小明同学请注意。欧阳娜娜女士", names=["王小明"])
    assert "王小明" not in out and "王先生" not in out and "小明" not in out
    assert redact("欧阳娜娜女士、欧阳女士", names=["欧阳娜娜"]).count(MASK) == 2


def test_ordinary_numbers_of_an_answer_survive_the_masking():
    text = "根据国家税务总局公告2023年第1号，月销售额10万元以下免征增值税，执行至2027年12月31日。"
    assert redact(text, names=["张三"]) == text


def test_the_published_page_escapes_everything(client, public_urls, hudong):
    message = _answered(hudong, subject="A&B 收入<5000元", body="收入<5000元是否 \"免税\"？")
    published = actions.publish_answer(message, acting_user=hudong.handler)
    html = client.get(f"/hudong/answers/{published.pk}.html", HTTP_HOST=HOST).content.decode()
    assert "A&amp;B 收入&lt;5000元" in html and not re.search(r"<5000", html)
