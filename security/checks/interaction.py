"""Public messages (SPEC §7; 002 §15, 001 §二(五)1): messages past their answer deadline, and
the veto line of the national inspection — no valid message may stay unanswered for three
months. Read through ``django.apps`` (information finding where the app is missing)."""
from datetime import timedelta

from django.apps import apps

from .registry import ERROR, INFO, SITE, WARNING, register_check
from .content import warn_threshold

OPEN = ("received", "in_hand")


def _messages(ctx):
    try:
        return apps.get_model("interaction", "Message")
    except LookupError:
        return None


@register_check(code="interaction.message_overdue", severity=WARNING, scope=SITE,
                title="Public messages past their answer deadline")
def messages_overdue(ctx):
    Message = _messages(ctx)
    if Message is None:
        yield ctx.finding("检查项 interaction.message_overdue 未运行：未安装 interaction.Message。", severity=INFO,
                          code="audit.check_skipped")
        return
    rows = (Message.objects.filter(status__in=OPEN, site_id__in=ctx.site_ids, deadline__lt=ctx.today)
            .order_by("site_id", "deadline")
            .values_list("pk", "site_id", "tracking_number", "kind", "deadline", "department__name")
            .iterator(chunk_size=1000))
    kinds = dict(Message._meta.get_field("kind").choices)
    for pk, site_id, number, kind, deadline, department in rows:
        late = ctx.calendar.working_days_between(deadline, ctx.today)
        yield ctx.finding(f"{kinds.get(kind, kind)} {number} 应于 {deadline:%Y-%m-%d} 前答复，已逾期 {late} 个工作日"
                          f"（承办：{department or '未分办'}）。",
                          fix="承办部门尽快答复；无法按期答复的说明理由。", site=site_id,
                          object_type="interaction.Message", object_id=pk, object_repr=number,
                          data={"deadline": deadline, "late_working_days": late})


@register_check(code="veto.unanswered_message", severity=ERROR, scope=SITE,
                title="Veto line: a valid message unanswered for three months")
def unanswered_three_months(ctx):
    Message = _messages(ctx)
    if Message is None:
        return
    for site in ctx.sites:
        days = ctx.policy(site.pk).message_ceiling_days
        margin = days - warn_threshold(days)
        rows = (Message.objects.filter(status__in=OPEN, site_id=site.pk,
                                       received_on__lte=ctx.today - timedelta(days=days - margin))
                .order_by("received_on").values_list("pk", "tracking_number", "received_on")
                .iterator(chunk_size=1000))
        for pk, number, received in rows:
            age = (ctx.today - received).days
            if age >= days:
                yield ctx.finding(f"留言 {number} 自 {received:%Y-%m-%d} 受理后 {age} 天未答复，达到网站普查单项否决指标"
                                  f"（{days} 天）。", fix="立即答复该留言。", site=site.pk, severity=ERROR,
                                  object_type="interaction.Message", object_id=pk, object_repr=number,
                                  data={"age_days": age, "line": days})
            else:
                yield ctx.finding(f"留言 {number} 自 {received:%Y-%m-%d} 受理后 {age} 天未答复，{days} 天即触及网站普查"
                                  f"单项否决指标。", fix="尽快答复该留言。", site=site.pk, severity=WARNING,
                                  object_type="interaction.Message", object_id=pk, object_repr=number,
                                  data={"age_days": age, "line": days})
