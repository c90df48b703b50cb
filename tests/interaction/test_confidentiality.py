"""Tips and misconduct reports: only the handling department reads them; never published; the
sender's contact details only for the handler (issue 8, point 4)."""
import pytest

from cms.exceptions import ActionRefused
from interaction import actions, permissions as P
from interaction.models import MessageKind
from interaction.selectors import visible_messages

from .conftest import HOST

pytestmark = pytest.mark.django_db

TIP_TEXT = "虚开增值税专用发票"


@pytest.fixture
def tip(hudong):
    message, code = actions.submit_message(
        site=hudong.national, kind=MessageKind.TAX_TIP, subject="举报某公司偷税", body=f"该公司长期{TIP_TEXT}。",
        accused="某某商贸有限公司", sender_name="王五", sender_phone="13912345678", sender_email="wangwu@example.com",
        publish_consent=True)
    return message


def _admin_page(client, user, path):
    client.force_login(user)
    return client.get(path)


def test_a_tip_goes_to_the_inspection_bureau(tip, hudong):
    assert tip.department == hudong.inspection


def test_a_tip_is_invisible_to_another_departments_handler(client, admin_urls, tip, hudong):
    for outsider in (hudong.handler, hudong.policy_handler, hudong.disciplinarian, hudong.office_handler):
        assert not visible_messages(outsider).filter(pk=tip.pk).exists()
        assert not P.can_read_content(outsider, tip)
        listing = _admin_page(client, outsider, "/admin/interaction/message/?state=all")
        assert tip.tracking_number not in listing.content.decode()
        page = _admin_page(client, outsider, f"/admin/interaction/message/{tip.pk}/change/")
        assert page.status_code in (302, 403, 404)
        assert TIP_TEXT not in page.content.decode()
        download = _admin_page(client, outsider, f"/admin/interaction/message/{tip.pk}/answer/")
        assert download.status_code == 404


def test_the_handling_department_reads_the_tip_with_the_contact_details(client, admin_urls, tip, hudong):
    html = _admin_page(client, hudong.inspector, f"/admin/interaction/message/{tip.pk}/change/").content.decode()
    assert TIP_TEXT in html and "13912345678" in html and "wangwu@example.com" in html
    listing = _admin_page(client, hudong.inspector, "/admin/interaction/message/").content.decode()
    assert tip.tracking_number in listing and "举报某公司偷税" in listing


def test_the_supervisor_sees_only_the_metadata_of_a_tip(client, admin_urls, tip, hudong):
    assert visible_messages(hudong.supervisor).filter(pk=tip.pk).exists()
    listing = _admin_page(client, hudong.supervisor, "/admin/interaction/message/").content.decode()
    assert tip.tracking_number in listing and "举报某公司偷税" not in listing and "（保密）" in listing
    html = _admin_page(client, hudong.supervisor, f"/admin/interaction/message/{tip.pk}/change/").content.decode()
    assert tip.tracking_number in html and "稽查局" in html
    for secret in (TIP_TEXT, "举报某公司偷税", "某某商贸有限公司", "王五", "13912345678", "wangwu@example.com"):
        assert secret not in html
    with pytest.raises(ActionRefused):
        actions.close_message_invalid(tip, reason="spam", acting_user=hudong.supervisor)


def test_a_supervisor_never_sees_a_senders_contact_details(client, admin_urls, hudong):
    consultation, _code = actions.submit_message(
        site=hudong.national, kind=MessageKind.CONSULTATION, subject="发票领用", body="新办纳税人如何领用发票？",
        sender_name="张三", sender_phone="13812345678", sender_email="zhangsan@example.com")
    html = _admin_page(client, hudong.supervisor,
                       f"/admin/interaction/message/{consultation.pk}/change/").content.decode()
    assert consultation.body in html
    assert "13812345678" not in html and "zhangsan@example.com" not in html and "张三" not in html
    handler_html = _admin_page(client, hudong.handler,
                               f"/admin/interaction/message/{consultation.pk}/change/").content.decode()
    assert "13812345678" in handler_html and "zhangsan@example.com" in handler_html


def test_a_supervisor_of_another_site_sees_nothing(tip, hudong):
    assert not visible_messages(hudong.bj_approver).exists()


def test_a_tip_is_invisible_to_the_portal(client, public_urls, tip, hudong):
    with pytest.raises(ActionRefused):
        actions.publish_answer(tip, acting_user=hudong.inspector)
    actions.answer_message(tip, answer="已受理。", acting_user=hudong.inspector)
    with pytest.raises(ActionRefused):
        actions.publish_answer(tip, acting_user=hudong.inspector)
    for path in ("/hudong/", "/hudong/answers/", "/hudong/answers/?q=虚开发票", "/hudong/suggest/?q=虚开发票",
                 "/hudong/statistics/", "/"):
        html = client.get(path, HTTP_HOST=HOST).content.decode()
        assert "该公司长期" not in html and "举报某公司偷税" not in html and "某某商贸" not in html, path
        assert "已受理。" not in html and tip.tracking_number not in html, path


def test_a_rerouted_tip_leaves_the_old_departments_view(tip, hudong):
    actions.route_message(tip, department=hudong.discipline, reason="涉及税务干部", acting_user=hudong.inspector)
    assert not visible_messages(hudong.inspector).filter(pk=tip.pk).exists()
    assert visible_messages(hudong.disciplinarian).filter(pk=tip.pk).exists()


def test_reading_a_tip_is_written_to_the_audit_trail_and_the_trail_carries_no_content(client, admin_urls, tip,
                                                                                        hudong):
    from security.models import AuditEvent

    _admin_page(client, hudong.inspector, f"/admin/interaction/message/{tip.pk}/change/")
    events = AuditEvent.objects.filter(object_type="interaction.Message", object_id=str(tip.pk))
    assert "message.read_confidential" in set(events.values_list("action", flat=True))
    for event in events:
        dump = f"{event.object_repr} {event.data}"
        assert TIP_TEXT not in dump and "王五" not in dump and "13912345678" not in dump


def test_a_misconduct_report_goes_to_the_discipline_office_only(hudong):
    report, _code = actions.submit_message(site=hudong.national, kind=MessageKind.MISCONDUCT, subject="举报干部",
                                           body="某税务干部收受礼金。", accused="某分局干部")
    assert report.department == hudong.discipline
    assert P.can_read_content(hudong.disciplinarian, report)
    assert not P.can_read_content(hudong.inspector, report)
    assert not P.can_read_content(hudong.supervisor, report)


def test_tip_attachments_are_downloadable_by_the_handler_only(client, admin_urls, hudong):
    from cms.uploads import check_upload
    from django.core.files.uploadedfile import SimpleUploadedFile

    checked = check_upload(SimpleUploadedFile("账本.txt", "暗账记录".encode()))
    tip, _code = actions.submit_message(site=hudong.national, kind=MessageKind.TAX_TIP, subject="举报",
                                        body="见附件", accused="某公司", attachments=[checked])
    att = tip.attachments.get()
    url = f"/admin/interaction/message/{tip.pk}/attachments/{att.pk}/"
    client.force_login(hudong.supervisor)
    assert client.get(url).status_code == 403
    client.force_login(hudong.inspector)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == "暗账记录".encode()
    assert "attachment" in response["Content-Disposition"]
