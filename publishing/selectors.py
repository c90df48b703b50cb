"""Reads of the workflow shared by the review queue, the admin index and the audit."""
from django.db.models import Q

from cms.selectors import scope_ids

from .models import ApprovalSlip
from .workflow import DEPT_REVIEWER, LEADER, OFFICE, SlipState


def reviewed_departments(user):
    return sorted(scope_ids(user).get(("department", "review_department"), ()))


def office_sites(user):
    return sorted(scope_ids(user).get(("site", "publish_site"), ()))


def leader_sites(user):
    return sorted(scope_ids(user).get(("site", "signoff_site"), ()))


def may_act(user, slip, actor):
    """Whether ``user`` holds the scope the actor kind needs on ``slip``. Reads fresh
    permissions (never a cached scope): a decision must see a revocation at once."""
    if not user.is_active:
        return False
    user._taxsite_scope = None
    if actor == DEPT_REVIEWER:
        return slip.department_id in reviewed_departments(user)
    if actor == OFFICE:
        return slip.site_id in office_sites(user)
    if actor == LEADER:
        return slip.site_id in leader_sites(user)
    return False


def review_queue_for(user):
    """The slips waiting for ``user``, oldest first: a department head's department slips in
    department review, an office approver's site slips in office review (and failed ones),
    a bureau leader's major slips. Never the user's own submissions. One query."""
    departments, offices, leaders = reviewed_departments(user), office_sites(user), leader_sites(user)
    waiting = Q(pk__in=[])
    if departments:
        waiting |= Q(state=SlipState.DEPT_REVIEW, department_id__in=departments)
    if offices:
        # (Slips still in department review are not waiting for the office; an urgent publish
        # starts from the slip list.)
        waiting |= Q(state__in=[SlipState.OFFICE_REVIEW, SlipState.FAILED], site_id__in=offices)
    if leaders:
        waiting |= Q(state=SlipState.LEADER_REVIEW, site_id__in=leaders)
    return (ApprovalSlip.objects.filter(waiting).exclude(submitted_by=user)
            .select_related("site__policy", "department", "column", "submitted_by", "article")
            .order_by("stage_entered_at", "id"))


def waiting_count_for(user):
    return review_queue_for(user).count()


def urgent_unsigned(site=None):
    qs = ApprovalSlip.objects.filter(is_urgent=True, retro_signed_at__isnull=True)
    return qs.filter(site=site) if site is not None else qs
