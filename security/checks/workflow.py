"""The approval-slip workflow (SPEC §4): slips waiting past their deadline, urgent publishes
not yet signed afterwards, failed publishing, late reposts of a parent site's policy."""
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from publishing.models import ApprovalSlip, Syndication
from publishing.selectors import urgent_unsigned
from publishing.workflow import WAITING_STATES, SlipState

from .registry import ERROR, SITE, WARNING, register_check

LATE_REPOST_LOOKBACK_DAYS = 90


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def overdue_cutoff(calendar, today, limit):
    """The last date a slip may have entered its stage and be overdue today (more than
    ``limit`` working days ago)."""
    day = today
    while calendar.working_days_between(day, today) <= limit:
        day -= timedelta(days=1)
    return day


@register_check(code="workflow.slip_overdue", severity=WARNING, scope=SITE,
                title="Slips waiting past their review deadline")
def slips_overdue(ctx):
    by_cutoff = defaultdict(list)
    for site in ctx.sites:
        limit = ctx.policy(site.pk).slip_stage_days
        by_cutoff[(overdue_cutoff(ctx.calendar, ctx.today, limit), limit)].append(site.pk)
    ages = {}
    labels = dict(SlipState.choices)
    for (cutoff, limit), site_ids in sorted(by_cutoff.items()):
        rows = (ApprovalSlip.objects.filter(state__in=sorted(WAITING_STATES - {SlipState.FAILED}), site_id__in=site_ids,
                                            stage_entered_at__lt=_day_start(cutoff + timedelta(days=1)))
                .order_by("site_id", "stage_entered_at")
                .values_list("pk", "site_id", "number", "title", "state", "stage_entered_at", "department__name")
                .iterator(chunk_size=1000))
        for pk, site_id, number, title, state, entered, department in rows:
            day = timezone.localdate(entered)
            if day not in ages:
                ages[day] = ctx.calendar.working_days_between(day, ctx.today)
            stage = labels.get(state, state)
            yield ctx.finding(
                f"审批单 {number}“{title}”在“{stage}”环节已等待 {ages[day]} 个工作日（时限 {limit} 个工作日），"
                f"承办部门：{department}。",
                fix="提醒该环节的审核人及时处理（审核队列），或退回修改。", site=site_id,
                object_type="publishing.ApprovalSlip", object_id=pk, object_repr=f"{number} {title}",
                data={"working_days": ages[day], "limit": limit, "state": state})


@register_check(code="workflow.urgent_unsigned", severity=WARNING, scope=SITE,
                title="Urgent publishes not yet reviewed afterwards")
def urgent_not_signed(ctx):
    rows = (urgent_unsigned().filter(site_id__in=ctx.site_ids).order_by("site_id", "submitted_at")
            .values_list("pk", "site_id", "number", "title", "published_at").iterator(chunk_size=1000))
    for pk, site_id, number, title, published in rows:
        when = f"（{timezone.localtime(published):%Y-%m-%d %H:%M} 发布）" if published else ""
        yield ctx.finding(f"紧急发布的审批单 {number}“{title}”{when}尚未由部门负责人事后补签。",
                          fix="请部门负责人在审批单上补签（事后审核）。", site=site_id,
                          object_type="publishing.ApprovalSlip", object_id=pk, object_repr=f"{number} {title}")


@register_check(code="workflow.publish_failed", severity=ERROR, scope=SITE,
                title="Scheduled publishing that failed")
def publish_failed(ctx):
    rows = (ApprovalSlip.objects.filter(state=SlipState.FAILED, site_id__in=ctx.site_ids).order_by("site_id", "pk")
            .values_list("pk", "site_id", "number", "title", "failure_message").iterator(chunk_size=1000))
    for pk, site_id, number, title, error in rows:
        yield ctx.finding(f"审批单 {number}“{title}”定时发布失败：{error[:300]}",
                          fix="在审核队列中查看原因后“重新发布”，或撤回定时。", site=site_id,
                          object_type="publishing.ApprovalSlip", object_id=pk, object_repr=f"{number} {title}")


@register_check(code="workflow.late_repost", severity=ERROR, scope=SITE,
                title="Parent-site important policies not reposted in time")
def late_reposts(ctx):
    open_late = (Syndication.objects.filter(target_site_id__in=ctx.site_ids, reposted_at__isnull=True,
                                            deadline__lt=ctx.now)
                 .order_by("target_site_id", "deadline")
                 .values_list("pk", "target_site_id", "source__title", "source__site__name", "deadline")
                 .iterator(chunk_size=1000))
    for pk, site_id, title, source_site, deadline in open_late:
        hours = int((ctx.now - deadline).total_seconds() // 3600)
        yield ctx.finding(f"上级网站（{source_site}）的重要政策“{title}”应于 "
                          f"{timezone.localtime(deadline):%Y-%m-%d %H:%M} 前转载，已逾期 {hours} 小时。",
                          fix="立即在本站转载该政策（001 §二(五)3：12 小时内转载）。", site=site_id,
                          object_type="publishing.Syndication", object_id=pk, object_repr=title,
                          data={"hours_late": hours})
    since = ctx.now - timedelta(days=LATE_REPOST_LOOKBACK_DAYS)
    done_late = (Syndication.objects.filter(target_site_id__in=ctx.site_ids, reposted_at__gte=since)
                 .exclude(reposted_at__lte=F("deadline"))
                 .order_by("target_site_id", "deadline")
                 .values_list("pk", "target_site_id", "source__title", "deadline", "reposted_at")
                 .iterator(chunk_size=1000))
    for pk, site_id, title, deadline, reposted in done_late:
        hours = int((reposted - deadline).total_seconds() // 3600)
        yield ctx.finding(f"重要政策“{title}”转载晚于时限 {hours} 小时（近 {LATE_REPOST_LOOKBACK_DAYS} 天内）。",
                          fix="检查转载值守安排，确保 12 小时内转载。", site=site_id, severity=WARNING,
                          object_type="publishing.Syndication", object_id=pk, object_repr=title,
                          data={"hours_late": hours})

