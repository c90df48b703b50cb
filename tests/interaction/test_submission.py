"""Public forms: every accepted message is stored before the visitor sees its number; bad input
gets a clear answer and stores nothing (issue 8, points 1 and 7)."""
from datetime import timedelta
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from interaction import actions
from interaction.models import Message, MessageAttachment, MessageKind, MessageStatus, Notification
from interaction.tasks import retry_pending_notifications

from .conftest import HOST, SLUGS, fresh_token, post_form, receipt

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("kind", list(MessageKind))
def test_each_public_form_accepts_a_message_with_a_tracking_number_and_a_query_code(client, public_urls, hudong,
                                                                                      kind):
    page = client.get(f"/hudong/write/{SLUGS[kind]}/", HTTP_HOST=HOST)
    assert page.status_code == 200 and 'name="started"' in page.content.decode()
    response = post_form(client, kind)
    assert response.status_code == 200
    number, code = receipt(response)
    message = Message.objects.get(tracking_number=number)
    assert message.kind == kind and message.site == hudong.national
    assert number.startswith(f"national-{message.received_on:%Y%m%d}-")
    assert len(code.replace("-", "")) == 12
    assert code not in message.query_code_hash and code.replace("-", "") not in message.query_code_hash


def test_the_forms_are_in_chinese(client, public_urls, hudong):
    html = client.get("/hudong/write/consultation/", HTTP_HOST=HOST).content.decode()
    assert "纳税咨询" in html and "提交" in html and "查找相似答复" in html
    assert "Send" not in html


def test_tracking_numbers_count_up_per_site_and_day(submit):
    _r, first, _c = submit()
    _r, second, _c = submit(address="203.0.113.8")
    assert int(second.tracking_number.rsplit("-", 1)[1]) == int(first.tracking_number.rsplit("-", 1)[1]) + 1


def test_submitting_commits_on_its_own_so_a_shown_number_is_always_stored(hudong):
    """The action's transaction is durable: nobody can wrap it in a transaction that might roll
    back after the visitor has seen the number."""
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            actions.submit_message(site=hudong.national, kind=MessageKind.CONSULTATION, subject="主题", body="内容")
    assert not Message.objects.exists()


def test_a_200_kb_message_is_refused_with_a_clear_answer_and_nothing_is_stored(client, public_urls, hudong):
    response = post_form(client, body="税" * 200 * 1024)
    html = response.content.decode()
    assert response.status_code == 400
    assert "留言内容过长" in html and "5,000" in html
    assert not Message.objects.exists()


@pytest.mark.parametrize("field", ["subject", "body", "sender_name", "accused"])
@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
                                     "<a href='javascript:alert(1)'>点击</a>"])
def test_html_or_script_in_any_field_is_refused_and_nothing_is_stored(client, public_urls, hudong, field, payload):
    response = post_form(client, MessageKind.TAX_TIP, **{field: f"正文 {payload}"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "不接受 HTML" in html
    assert "<script>alert(1)</script>" not in html and 'onerror="alert(1)"' not in html
    assert not Message.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("sender_phone", "<script>alert(1)</script>"),
    ("sender_email", "a@b.c<script>"),
    ("page_url", "javascript:alert(1)"),
    ("page_url", "https://www.chinatax.test/\"><script>alert(1)</script>"),
])
def test_markup_in_the_contact_and_address_fields_is_refused(client, public_urls, hudong, field, value):
    response = post_form(client, MessageKind.ERROR_REPORT, **{field: value})
    assert response.status_code == 400 and "<script>alert(1)</script>" not in response.content.decode()
    assert not Message.objects.exists()


def test_plain_text_with_angle_brackets_is_kept_and_escaped_on_the_pages(client, public_urls, hudong, submit):
    _r, message, code = submit(subject="收入<5000元 & 免税", body="月收入<5000元且>3000元时如何 \"申报\"？")
    assert message.subject == "收入<5000元 & 免税"
    html = client.post("/hudong/lookup/", {"tracking_number": message.tracking_number, "code": code},
                       HTTP_HOST=HOST).content.decode()
    assert "收入&lt;5000元 &amp; 免税" in html and "&lt;5000元且&gt;3000元" in html


def test_a_flood_of_100_submissions_from_one_address_stores_only_the_first_five(client, public_urls, hudong):
    statuses = [post_form(client, address="198.51.100.66").status_code for _ in range(100)]
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    assert Message.objects.count() == 5
    refused = post_form(client, address="198.51.100.66").content.decode()
    assert "提交过于频繁" in refused and "已提交的留言" in refused
    # Another visitor is not affected.
    assert post_form(client, address="198.51.100.67").status_code == 200


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(client, public_urls, hudong):
    response = post_form(client, hp_note="http://spam.example")
    assert response.status_code == 400
    assert "应保持为空" in response.content.decode()
    assert not Message.objects.exists()


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused_and_offered_again(client, public_urls, hudong):
    response = post_form(client, started=fresh_token(MessageKind.CONSULTATION, age=0))
    html = response.content.decode()
    assert response.status_code == 400 and "填写速度过快" in html
    assert "小规模纳税人增值税减免政策咨询" in html  # what the visitor typed is kept
    assert not Message.objects.exists()


@pytest.mark.parametrize("token", ["", "forged-token", "mailbox"])
def test_a_missing_forged_or_foreign_start_token_is_refused(client, public_urls, hudong, token):
    if token == "mailbox":
        token = fresh_token(MessageKind.MAILBOX)  # a token of another form
    response = post_form(client, started=token)
    assert response.status_code == 400 and "表单已过期" in response.content.decode()
    assert not Message.objects.exists()


def test_sending_the_same_form_twice_creates_one_message(client, public_urls, hudong):
    token = fresh_token(MessageKind.CONSULTATION)
    first = post_form(client, started=token)
    again = post_form(client, started=token)
    number, _code = receipt(first)
    assert again.status_code == 409 and number in again.content.decode()
    assert Message.objects.count() == 1


def test_an_attachment_is_checked_like_every_upload(client, public_urls, hudong, settings):
    fake = SimpleUploadedFile("证据.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    refused = post_form(client, MessageKind.TAX_TIP, files={"attachment": fake})
    assert refused.status_code == 400
    assert 'id="id_attachment_error"' in refused.content.decode() and "证据.pdf" in refused.content.decode()
    assert not Message.objects.exists()

    real = SimpleUploadedFile("证据.pdf", PDF, content_type="application/pdf")
    accepted = post_form(client, MessageKind.TAX_TIP, files={"attachment": real})
    assert accepted.status_code == 200
    attachment = MessageAttachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "证据.pdf"
    # Stored outside MEDIA_ROOT, which a CDN or the debug server may serve.
    path = attachment.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with open(path, "rb") as fh:
        assert fh.read() == PDF


def test_an_image_attachment_loses_its_metadata(client, public_urls, hudong):
    img = Image.new("RGB", (20, 10), "blue")
    exif = Image.Exif()
    exif[0x010F] = "WhistleblowerPhone"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")
    assert post_form(client, MessageKind.TAX_TIP, files={"attachment": upload}).status_code == 200
    with MessageAttachment.objects.get().file.open("rb") as fh:
        assert b"WhistleblowerPhone" not in fh.read()


def test_an_oversized_attachment_is_refused(client, public_urls, hudong):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    response = post_form(client, files={"attachment": big})
    assert response.status_code == 400 and "5 MB" in response.content.decode()
    assert not Message.objects.exists()


def test_notifications_are_sent_only_after_commit(hudong, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message, _code = actions.submit_message(
            site=hudong.national, kind=MessageKind.CONSULTATION, subject="发票问题", body="如何领用发票？",
            sender_email="visitor@example.com")
    assert mailoutbox == [] and len(callbacks) == 2  # handlers of the department, and the sender
    for callback in callbacks:
        callback()
    assert {tuple(m.to) for m in mailoutbox} == {("svc@chinatax.test",), ("visitor@example.com",)}
    assert Notification.objects.filter(message=message, status=Notification.Status.SENT).count() == 2


def test_a_mail_failure_never_loses_an_accepted_message_and_the_mail_is_retried(
        client, public_urls, hudong, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("interaction.tasks.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client)
    assert response.status_code == 200
    number, _code = receipt(response)
    message = Message.objects.get(tracking_number=number)
    assert message.status == MessageStatus.IN_HAND
    pending = Notification.objects.filter(message=message)
    assert pending.count() == 2 and set(pending.values_list("status", flat=True)) == {"pending"}
    assert "mail server down" in pending.first().last_error

    monkeypatch.undo()
    Notification.objects.update(created_at=message.received_at - timedelta(minutes=10))
    assert retry_pending_notifications() == 2
    assert len(mailoutbox) == 2


def test_a_broker_that_is_down_leaves_the_mail_in_the_outbox_for_the_sweeper(
        client, public_urls, hudong, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    from interaction import tasks

    def down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_notification, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client)
    assert response.status_code == 200 and mailoutbox == []
    Notification.objects.update(created_at=Message.objects.get().received_at - timedelta(minutes=10))
    assert retry_pending_notifications() == 2


def test_mails_name_the_message_by_number_only(submit, mailoutbox):
    _r, message, code = submit(subject="关于股权转让个税申报", body="我的身份证号110101199003071234，请帮忙查询。")
    assert mailoutbox
    for mail in mailoutbox:
        text = mail.subject + mail.body
        assert message.tracking_number in text
        assert "股权转让" not in text and "110101199003071234" not in text
        assert code not in text and code.replace("-", "") not in text


def test_the_sender_of_a_tip_gets_no_acknowledgement_mail(submit, mailoutbox):
    submit(MessageKind.TAX_TIP)
    assert all("zhangsan@example.com" not in m.to for m in mailoutbox)
    assert any("jcj@chinatax.test" in m.to for m in mailoutbox)


def test_consent_to_publish_is_recorded_only_for_consultations_and_letters(submit):
    _r, consultation, _c = submit(publish_consent="on")
    _r, tip, _c = submit(MessageKind.TAX_TIP, publish_consent="on", address="203.0.113.9")
    assert consultation.publish_consent and consultation.publish_consent_at is not None
    assert not tip.publish_consent


def test_every_submission_writes_an_audit_event(submit):
    from security.models import AuditEvent

    _r, message, _c = submit()
    events = AuditEvent.objects.filter(object_id=str(message.pk), object_type="interaction.Message")
    assert set(events.values_list("action", flat=True)) == {"message.submit", "message.route"}
    assert events.get(action="message.submit").actor_name == "visitor"


def test_an_unknown_form_is_404(client, public_urls, hudong):
    assert client.get("/hudong/write/complaint/", HTTP_HOST=HOST).status_code == 404


def test_the_error_report_form_takes_the_page_it_concerns(client, public_urls, hudong):
    html = client.get("/hudong/write/error-report/?page=https://www.chinatax.test/columns/swyw/",
                      HTTP_HOST=HOST).content.decode()
    assert 'value="https://www.chinatax.test/columns/swyw/"' in html
    response = post_form(client, MessageKind.ERROR_REPORT, page_url="")
    assert response.status_code == 400
    assert post_form(client, MessageKind.ERROR_REPORT).status_code == 200
    assert Message.objects.get().page_url == "https://www.chinatax.test/columns/swyw/"


def test_the_forms_work_on_a_sub_site_address_too(client, public_urls, hudong):
    response = client.post("/site/beijing/hudong/write/mailbox/", {**_mailbox()}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    number, _code = receipt(response)
    message = Message.objects.get(tracking_number=number)
    assert message.site == hudong.province and number.startswith("beijing-")
    assert message.department == hudong.bj_office  # no rule: the general office routes it
    assert "/site/beijing/hudong/lookup/" in response.content.decode()


def _mailbox():
    from .conftest import form_data

    return form_data(MessageKind.MAILBOX)
