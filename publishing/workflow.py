"""The approval-slip workflow as data (SPEC §4, STYLE "the workflow as data").

``TRANSITIONS`` is the one table of what may happen to a slip: from which state, by which
role (checked against the scope of the slip), to which state. The actions in
``publishing.actions``, the buttons of the review screen, the review queue, the audit
checks and the tests all read it.
"""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlipState(models.TextChoices):
    DEPT_REVIEW = "dept_review", _("Department review")
    OFFICE_REVIEW = "office_review", _("General-office review")
    LEADER_REVIEW = "leader_review", _("Bureau-leader sign-off")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed to publish")
    RETURNED = "returned", _("Returned")


#: States in which a slip is still open (the article is locked for everyone but reviewers).
OPEN_STATES = frozenset({SlipState.DEPT_REVIEW, SlipState.OFFICE_REVIEW, SlipState.LEADER_REVIEW,
                         SlipState.SCHEDULED, SlipState.FAILED})
#: States that wait for a person (the review queue).
WAITING_STATES = frozenset({SlipState.DEPT_REVIEW, SlipState.OFFICE_REVIEW, SlipState.LEADER_REVIEW, SlipState.FAILED})

# Who acts: the scope check each actor kind needs on the slip.
DEPT_REVIEWER = "dept_reviewer"   # review_department on the column's department
OFFICE = "office"                 # publish_site on the slip's site
LEADER = "leader"                 # signoff_site on the slip's site
SYSTEM = "system"                 # the scheduler


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: frozenset
    target: str
    actor: str
    comment_required: bool = False
    signs: bool = True  # a signature on the slip (four eyes applies)
    button_class: str = "default"


TRANSITIONS = {t.name: t for t in [
    Transition("dept_approve", _("Approve and send to the general office"), frozenset({SlipState.DEPT_REVIEW}),
               SlipState.OFFICE_REVIEW, DEPT_REVIEWER),
    Transition("dept_return", _("Return to the editor"), frozenset({SlipState.DEPT_REVIEW}),
               SlipState.RETURNED, DEPT_REVIEWER, comment_required=True, button_class="danger"),
    Transition("urgent_publish", _("Urgent publish, skipping department review"), frozenset({SlipState.DEPT_REVIEW}),
               SlipState.PUBLISHED, OFFICE, comment_required=True, button_class="danger"),
    Transition("office_publish", _("Publish now"), frozenset({SlipState.OFFICE_REVIEW}),
               SlipState.PUBLISHED, OFFICE, button_class="default"),
    Transition("office_schedule", _("Schedule publishing"), frozenset({SlipState.OFFICE_REVIEW}),
               SlipState.SCHEDULED, OFFICE),
    Transition("office_to_leader", _("Send to the bureau leader (major item)"), frozenset({SlipState.OFFICE_REVIEW}),
               SlipState.LEADER_REVIEW, OFFICE),
    Transition("office_return", _("Return to the editor"), frozenset({SlipState.OFFICE_REVIEW}),
               SlipState.RETURNED, OFFICE, comment_required=True, button_class="danger"),
    Transition("leader_approve", _("Sign off"), frozenset({SlipState.LEADER_REVIEW}),
               SlipState.OFFICE_REVIEW, LEADER),
    Transition("leader_return", _("Return to the editor"), frozenset({SlipState.LEADER_REVIEW}),
               SlipState.RETURNED, LEADER, comment_required=True, button_class="danger"),
    Transition("unschedule", _("Cancel the schedule"), frozenset({SlipState.SCHEDULED}),
               SlipState.OFFICE_REVIEW, OFFICE, signs=False),
    Transition("retry_publish", _("Retry publishing"), frozenset({SlipState.FAILED}),
               SlipState.PUBLISHED, OFFICE, signs=False),
    Transition("system_publish", _("Published at the scheduled time"), frozenset({SlipState.SCHEDULED}),
               SlipState.PUBLISHED, SYSTEM, signs=False),
]}

#: The stage whose reviewers act in each waiting state.
STAGE_ACTOR = {SlipState.DEPT_REVIEW: DEPT_REVIEWER, SlipState.OFFICE_REVIEW: OFFICE,
               SlipState.LEADER_REVIEW: LEADER, SlipState.FAILED: OFFICE, SlipState.SCHEDULED: OFFICE}


def transitions_from(state, actor=None):
    return [t for t in TRANSITIONS.values() if state in t.source and (actor is None or t.actor == actor)]
