"""Accounts (SPEC §9, 003 §18): passwords past their maximum age, accounts without a second
factor, accounts unused for 90 days, active superusers."""
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

from ..models import AuditEvent
from .registry import GLOBAL, SITE, WARNING, register_check

INACTIVE_DAYS = 90
#: Audit-trail actions that set an account's password (its creation included); the newest
#: one dates the password. Accounts without any count from the day they joined.
PASSWORD_ACTIONS = ("user.create", "user.password_change", "user.set_password", "user.password_reset",
                    "password.change", "account.password_change")


def _site_users(ctx):
    return (get_user_model().objects.filter(is_active=True, profile__site_id__in=ctx.site_ids)
            .select_related("profile").order_by("profile__site_id", "username"))


@register_check(code="accounts.password_expired", severity=WARNING, scope=SITE,
                title="Passwords older than the site's maximum age")
def passwords_expired(ctx):
    User = get_user_model()
    changed = (AuditEvent.objects.filter(object_type=User._meta.label, action__in=PASSWORD_ACTIONS,
                                         object_id=Cast(OuterRef("pk"), output_field=CharField()))
               .order_by("-at").values("at")[:1])
    users = _site_users(ctx).annotate(password_set=Coalesce(Subquery(changed), "date_joined"))
    for user in users.iterator(chunk_size=1000):
        limit = ctx.policy(user.profile.site_id).password_max_age_days
        age = (ctx.now - user.password_set).days
        if age > limit:
            yield ctx.finding(f"账号 {user.username} 的密码已使用 {age} 天，超过 {limit} 天的最长期限。",
                              fix="通知本人修改密码；逾期未改的由安全管理员锁定。", site=user.profile.site_id,
                              obj=user, data={"age_days": age, "limit": limit})


@register_check(code="accounts.no_2fa", severity=WARNING, scope=SITE,
                title="Admin-host accounts without a second factor")
def without_second_factor(ctx):
    users = _site_users(ctx).filter(is_staff=True)
    if not apps.is_installed("django_otp"):
        from django.db.models import Count

        per_site = users.order_by().values_list("profile__site_id").annotate(n=Count("pk"))
        for site_id, count in sorted(per_site):
            yield ctx.finding(f"二次认证（TOTP）尚未启用：本站 {count} 个后台账号仅凭密码登录。",
                              fix="安装并启用 django-otp，为每个后台账号绑定 TOTP 令牌（SPEC §9）。",
                              site=site_id, data={"accounts": count})
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    for user in users.exclude(pk__in=with_device).iterator(chunk_size=1000):
        yield ctx.finding(f"后台账号 {user.username} 未绑定二次认证（TOTP）令牌。",
                          fix="本人登录后绑定 TOTP 令牌；未绑定前不得使用后台。", site=user.profile.site_id, obj=user)


@register_check(code="accounts.inactive", severity=WARNING, scope=SITE,
                title="Accounts unused for 90 days")
def inactive_accounts(ctx):
    cutoff = ctx.now - timedelta(days=INACTIVE_DAYS)
    users = _site_users(ctx).annotate(last_seen=Coalesce("last_login", "date_joined")).filter(last_seen__lt=cutoff)
    for user in users.iterator(chunk_size=1000):
        days = (ctx.now - user.last_seen).days
        never = "从未登录" if user.last_login is None else f"最近一次登录在 {days} 天前"
        yield ctx.finding(f"账号 {user.username} 已 {days} 天未使用（{never}）。",
                          fix="确认是否仍需要该账号；人员离岗的执行 offboard 注销权限。", site=user.profile.site_id,
                          obj=user, data={"days": days})


@register_check(code="accounts.superuser", severity=WARNING, scope=GLOBAL,
                title="Active superusers")
def superusers(ctx):
    for user in get_user_model().objects.filter(is_active=True, is_superuser=True).order_by("username"):
        site_id = getattr(getattr(user, "profile", None), "site_id", None)
        yield ctx.finding(f"超级用户 {user.username} 处于启用状态（超级用户仅供安装使用）。",
                          fix="安装完成后停用该账号，日常管理使用三员账号。", site=site_id, obj=user)
