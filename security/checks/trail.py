"""The audit trail (SPEC §9): every row's hash must match its content and link to its
predecessor; a missing row breaks the chain; the trail must reach back over the retention
period (184 days) unless the installation is younger."""
from datetime import timedelta

from ..models import AuditEvent
from .registry import ERROR, GLOBAL, WARNING, register_check

CHUNK = 5000
FIELDS = ("pk", "prev_hash", "hash", "at", "actor_id", "actor_name", "action", "object_type", "object_id",
          "object_repr", "site_code", "ip", "data")


def verify_chain(progress=None):
    """Yield (kind, event id, detail) for every break: ``altered`` (hash does not match the
    row), ``gap`` (the row does not link to its predecessor: rows missing or reordered),
    ``head`` (the first row links to something: older rows removed). Reads in id order with
    an iterator; memory is constant."""
    previous = None
    probe = AuditEvent()
    rows = AuditEvent.objects.order_by("pk").values_list(*FIELDS).iterator(chunk_size=CHUNK)
    for n, row in enumerate(rows, 1):
        pk, prev_hash, hash_, *rest = row
        (probe.at, probe.actor_id, probe.actor_name, probe.action, probe.object_type, probe.object_id,
         probe.object_repr, probe.site_code, probe.ip, probe.data) = rest
        probe.prev_hash = prev_hash
        if probe.compute_hash() != hash_:
            yield "altered", pk, probe.at
        if previous is None:
            if prev_hash:
                yield "head", pk, probe.at
        elif prev_hash != previous:
            yield "gap", pk, probe.at
        previous = hash_
        if progress and n % 100_000 == 0:
            progress(f"  audit trail: {n} rows verified")


@register_check(code="trail.chain", severity=ERROR, scope=GLOBAL,
                title="Audit-trail hash chain broken or rows missing")
def audit_trail_chain(ctx):
    retention = max(p.log_retention_days for p in ctx.policies.values()) if ctx.policies else 184
    for kind, pk, at in verify_chain():
        when = f"{at:%Y-%m-%d %H:%M}" if at else ""
        if kind == "altered":
            yield ctx.finding(f"审计日志第 {pk} 条（{when}）的内容与其哈希不符：记录被修改。",
                              fix="立即保全数据库并报告安全管理员与审计员；以备份比对确定被改动的内容。",
                              object_type="security.AuditEvent", object_id=pk, object_repr=when,
                              data={"kind": kind})
        elif kind == "gap":
            yield ctx.finding(f"审计日志在第 {pk} 条（{when}）之前断链：有记录缺失。",
                              fix="立即保全数据库并报告安全管理员与审计员；从备份中找回缺失的记录。",
                              object_type="security.AuditEvent", object_id=pk, object_repr=when,
                              data={"kind": kind})
        elif at and at > ctx.now - timedelta(days=retention):
            yield ctx.finding(f"审计日志的首条记录（第 {pk} 条，{when}）不是链首：保存期 {retention} 天内的记录被删除。",
                              fix="从备份中恢复被删除的审计日志；日志须保存不少于 6 个月。",
                              object_type="security.AuditEvent", object_id=pk, object_repr=when,
                              data={"kind": kind, "retention_days": retention})
        else:
            yield ctx.finding(f"审计日志的首条记录（第 {pk} 条，{when}）早于保存期，之前的记录已按保存期清理。",
                              severity="info", object_type="security.AuditEvent", object_id=pk,
                              object_repr=when, data={"kind": kind})


@register_check(code="trail.retention", severity=WARNING, scope=GLOBAL,
                title="Log retention set below six months")
def log_retention(ctx):
    for site in ctx.sites:
        days = ctx.policy(site.pk).log_retention_days
        if days < 184:
            yield ctx.finding(f"日志保存期设置为 {days} 天，少于 6 个月（184 天）。",
                              fix="在管理参数中把日志保存期设为不少于 184 天。", site=site.pk, obj=site)
