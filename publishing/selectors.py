"""Reads of the workflow shared by the review queue, the admin index and the audit."""
from django.db.models import Q

from cms.models import DepartmentGroupObjectPermission, DepartmentUserObjectPermission
from cms.selectors import _granted, sites_with_perm

from .models import ApprovalSlip
from .workflow import DEPT_REVIEWER, LEADER, OFFICE, SlipState


def _reviewed_departments(user):
    direct, via_group = _granted(DepartmentUserObjectPermission, DepartmentGroupObjectPermission, user,
                                 "review_department")
    return direct, via_group


def may_act(user, slip, actor):
    """Whether ``user`` holds the scope the actor kind needs on ``slip``."""
    if not user.is_active:
        return False
    if actor == DEPT_REVIEWER:
        direct, via_group = _reviewed_departments(user)
        return direct.filter(content_object_id=slip.department_id).exists() or \
            via_group.filter(content_object_id=slip.department_id).exists()
    if actor == OFFICE:
        return sites_with_perm(user, "publish_site").filter(pk=slip.site_id).exists()
    if actor == LEADER:
        return sites_with_perm(user, "signoff_site").filter(pk=slip.site_id).exists()
    return False


def review_queue_for(user):
    """The slips waiting for ``user``, oldest first: a department head's department slips in
    department review, an office approver's site slips in office review (and failed ones),
    a bureau leader's major slips. Never the user's own submissions. One query."""
    direct, via_group = _reviewed_departments(user)
    office_sites = sites_with_perm(user, "publish_site").values("pk")
    leader_sites = sites_with_perm(user, "signoff_site").values("pk")
    waiting = (
        Q(state=SlipState.DEPT_REVIEW) & (Q(department_id__in=direct) | Q(department_id__in=via_group))
        | Q(state__in=[SlipState.OFFICE_REVIEW, SlipState.FAILED]) & Q(site_id__in=office_sites)
        | Q(state=SlipState.DEPT_REVIEW) & Q(site_id__in=office_sites)  # urgent publish is possible from here
        | Q(state=SlipState.LEADER_REVIEW) & Q(site_id__in=leader_sites)
    )
    return (ApprovalSlip.objects.filter(waiting).exclude(submitted_by=user)
            .select_related("site__policy", "department", "column", "submitted_by", "article")
            .order_by("stage_entered_at", "id"))


def waiting_count_for(user):
    return review_queue_for(user).count()


def urgent_unsigned(site=None):
    qs = ApprovalSlip.objects.filter(is_urgent=True, retro_signed_at__isnull=True)
    return qs.filter(site=site) if site is not None else qs
