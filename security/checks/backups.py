"""Backups (003 安全管理 §8, 000 §16, 002 §21): a verified archive at least once a day, kept
on this host and copied off it."""
from datetime import timedelta
import os

from ..models import BackupRecord
from .registry import ERROR, GLOBAL, WARNING, register_check

MAX_AGE = timedelta(hours=25)  # daily, with an hour's slack for the beat schedule


@register_check(code="backup.stale", severity=ERROR, scope=GLOBAL,
                title="Last successful backup older than a day")
def backup_stale(ctx):
    last = BackupRecord.objects.filter(status=BackupRecord.Status.OK).order_by("-finished_at").first()
    fix = "检查 Celery beat 与 worker 的备份任务，或手工运行 manage.py backup --offsite DIR。"
    if last is None:
        yield ctx.finding("系统从未成功备份。", fix=fix)
        return
    age = ctx.now - last.finished_at
    if age > MAX_AGE:
        hours = int(age.total_seconds() // 3600)
        yield ctx.finding(f"最近一次成功备份在 {hours} 小时前（{last.finished_at:%Y-%m-%d %H:%M} UTC），超过一天。",
                          fix=fix, obj=last, data={"hours": hours})
    if last.archive and not os.path.exists(last.archive):
        yield ctx.finding(f"最近一次备份的归档文件 {last.archive} 在本机已不存在。", severity=WARNING,
                          code="backup.archive_missing", fix="确认备份目录未被清理；重新运行 manage.py backup。", obj=last)
    if not last.offsite_verified:
        yield ctx.finding("最近一次备份没有经过校验的异机副本（本机备份与异机备份相结合）。", severity=WARNING,
                          code="backup.no_offsite", fix="为备份任务配置 --offsite 目录（异机挂载）。", obj=last)
    failed = BackupRecord.objects.filter(status=BackupRecord.Status.FAILED, finished_at__gt=last.finished_at).count()
    if failed:
        yield ctx.finding(f"最近一次成功备份之后有 {failed} 次备份失败。", severity=WARNING, code="backup.failed",
                          fix="查看备份记录中的错误信息并处理。", data={"failed": failed})
