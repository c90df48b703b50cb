"""Column change requests (业务需求单, 003 §13) and revamp requests (改版需求, 000 §12): filed
by the department's liaison, decided by the site manager; an approved column change is
applied from the request itself."""
from datetime import date

import pytest

from cms.exceptions import ActionRefused
from cms.models import Column, ColumnAncestor
from liaisons import actions
from liaisons.models import ColumnChangeRequest, RequestState
from security.models import AuditEvent

pytestmark = pytest.mark.django_db

ADD, CHANGE = ColumnChangeRequest.Kind.ADD, ColumnChangeRequest.Kind.CHANGE


@pytest.fixture
def liaison(group, manager, calendar):
    actions.file_liaison(group.service, acting_user=manager, user=group.editor, name="张伟", filed_on=date(2026, 1, 5))
    return group.editor


def test_an_approved_new_column_is_created_from_the_request(group, manager, liaison):
    req = actions.file_column_change_request(
        group.service, acting_user=liaison, kind=ADD, name="留抵退税专题", slug="ldts", parent=group.services,
        column_class="topic", update_interval_days=30, reason="政策落实需要专题集中发布", leader_signature="刘司长")
    assert req.state == RequestState.SUBMITTED and not Column.objects.filter(slug="ldts").exists()
    req = actions.decide_column_change_request(req, acting_user=manager, approve=True, comment="同意")
    column = Column.objects.get(site=group.national, slug="ldts")
    assert req.state == RequestState.APPROVED and req.applied_column == column
    assert (column.department, column.parent, column.column_class, column.url_path) == (
        group.service, group.services, "topic", "bsfw/ldts")
    assert set(ColumnAncestor.objects.filter(column=column).values_list("ancestor_id", flat=True)) == {
        column.pk, group.services.pk}
    assert list(AuditEvent.objects.filter(action__in=["column_request.approve", "column.create"])
                .values_list("action", flat=True).order_by("id")) == ["column_request.approve", "column.create"]


def test_an_approved_change_renames_and_moves_the_column_with_its_sub_columns(group, manager, liaison):
    req = actions.file_column_change_request(group.service, acting_user=liaison, kind=CHANGE, column=group.services,
                                             name="纳税服务", parent=group.news, reason="栏目整合")
    actions.decide_column_change_request(req, acting_user=manager, approve=True)
    group.services.refresh_from_db()
    group.guides.refresh_from_db()
    assert group.services.name == "纳税服务" and group.services.parent == group.news
    assert group.guides.url_path == "swyw/bsfw/bszn"  # the subtree moved along


def test_only_the_departments_liaison_files_and_only_the_site_manager_decides(group, manager, liaison, bj_manager):
    with pytest.raises(ActionRefused):
        actions.file_column_change_request(group.service, acting_user=group.head, kind=ADD, name="x", slug="x",
                                           reason="r")
    with pytest.raises(ActionRefused):  # a department asks for its own columns only
        actions.file_column_change_request(group.service, acting_user=liaison, kind=CHANGE, column=group.news,
                                           name="y", reason="r")
    req = actions.file_column_change_request(group.service, acting_user=liaison, kind=ADD, name="新栏目",
                                             slug="xlm", reason="需要")
    for outsider in (liaison, group.approver, bj_manager):
        with pytest.raises(ActionRefused):
            actions.decide_column_change_request(req, acting_user=outsider, approve=True)
    req.refresh_from_db()
    assert req.state == RequestState.SUBMITTED


def test_rejecting_needs_a_reason_and_a_decision_is_final(group, manager, liaison):
    req = actions.file_column_change_request(group.service, acting_user=liaison, kind=ADD, name="新栏目",
                                             slug="xlm", reason="需要")
    with pytest.raises(ActionRefused):
        actions.decide_column_change_request(req, acting_user=manager, approve=False)
    actions.decide_column_change_request(req, acting_user=manager, approve=False, comment="与现有栏目重复")
    with pytest.raises(ActionRefused):
        actions.decide_column_change_request(req, acting_user=manager, approve=True)
    assert not Column.objects.filter(slug="xlm").exists()


def test_a_change_that_breaks_the_column_rules_is_refused_and_the_request_keeps_waiting(group, manager, liaison):
    req = actions.file_column_change_request(group.service, acting_user=liaison, kind=CHANGE, column=group.services,
                                             parent=group.guides, reason="移到子栏目下")
    with pytest.raises(ActionRefused):
        actions.decide_column_change_request(req, acting_user=manager, approve=True)
    req.refresh_from_db()
    group.services.refresh_from_db()
    assert req.state == RequestState.SUBMITTED and group.services.parent is None


def test_a_revamp_request_is_filed_by_the_liaison_and_accepted_by_the_site_manager(group, manager, liaison):
    req = actions.file_revamp_request(group.service, acting_user=liaison, year=2027, columns=[group.services],
                                      reason="办事服务栏目按事项重新分类")
    with pytest.raises(ActionRefused):
        actions.file_revamp_request(group.service, acting_user=liaison, year=2027, columns=[group.news], reason="x")
    req = actions.decide_revamp_request(req, acting_user=manager, approve=True, comment="纳入2027年改版")
    assert req.state == RequestState.APPROVED and list(req.columns.all()) == [group.services]
