"""Demo data of the liaisons app, for ``manage.py load_demo``: a liaison for each department,
honorarium rates, a training, two new-media accounts with posts (one of them behind its
update duty, so the duty check has something to show). Idempotent; every change goes
through ``liaisons.actions`` as the site's demo site manager."""
from datetime import datetime, time, timedelta
from decimal import Decimal
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import ArticleKind, Department

from . import actions
from .models import HonorariumRate, Liaison, NewMediaAccount, Platform, Training

RATES = {ArticleKind.NEWS: Decimal("50.00"), ArticleKind.NOTICE: Decimal("30.00"), ArticleKind.POLICY: Decimal("80.00"),
         ArticleKind.INTERPRETATION: Decimal("150.00"), ArticleKind.GUIDE: Decimal("80.00"),
         ArticleKind.INTERVIEW: Decimal("200.00")}
TITLES = ["税费优惠政策直达快享", "一图读懂个人所得税汇算", "办税服务厅延时服务公告", "新办纳税人套餐式服务指南",
          "电子发票常见问题解答", "小微企业减税降费政策解读", "税收宣传月活动启动", "社保费缴纳操作指引",
          "出口退税提速增效", "纳税信用评价结果发布", "征期日历提醒", "线上办税渠道介绍"]


def load_demo_liaisons(site, stdout=None):
    """Create the demo liaisons and new-media accounts of ``site``. Returns counts."""
    def say(line):
        if stdout is not None:  # a management command's OutputWrapper adds the newline itself
            stdout.write(line if hasattr(stdout, "style_func") else line + "\n")
    User = get_user_model()
    manager = User.objects.filter(username=f"{site.code}_site_manager", is_active=True).first()
    counts = {"liaisons": 0, "rates": 0, "trainings": 0, "accounts": 0, "posts": 0}
    if manager is None:
        say(f"{site.code}: no site manager account, liaisons demo skipped")
        return counts
    today = timezone.localdate()
    rng = random.Random(f"taxsite-demo-liaisons:{site.code}")

    for department in Department.objects.filter(site=site).order_by("order", "id"):
        if Liaison.objects.filter(department=department).exists():
            continue
        person = (User.objects.filter(is_active=True, profile__department=department)
                  .select_related("profile").order_by("username").first())
        if person is None:
            continue
        actions.file_liaison(department, acting_user=manager, user=person,
                             name=person.profile.display_name or person.get_username(), position="科员",
                             office_phone=f"010-{rng.randint(60000000, 69999999)}",
                             mobile=f"13{rng.randint(100000000, 999999999)}", email=person.email,
                             filed_on=today - timedelta(days=rng.randint(200, 500)))
        counts["liaisons"] += 1

    for kind, amount in RATES.items():
        if not HonorariumRate.objects.filter(site=site, kind=kind).exists():
            actions.set_honorarium_rate(site, acting_user=manager, kind=kind, amount=amount)
            counts["rates"] += 1

    if not Training.objects.filter(site=site).exists():
        active = list(Liaison.objects.filter(site=site, left_on__isnull=True))
        actions.record_training(site, acting_user=manager, title="网站联络员业务培训", organiser=site.organiser,
                                held_on=today - timedelta(days=60), attended=active[1:], absent=active[:1])
        counts["trainings"] += 1

    office = Department.objects.filter(site=site, is_general_office=True).first()
    if office is not None:
        short = site.name.replace("国家税务总局", "") or site.name
        specs = [(Platform.WECHAT_SUBSCRIPTION, f"{short}微信", 36, 2), (Platform.WEIBO, f"{short}微博", 20, 9)]
        for platform, name, span, step in specs:
            if NewMediaAccount.objects.filter(site=site, platform=platform, name=name).exists():
                continue
            opened = today - timedelta(days=400)
            account = actions.file_newmedia_account(
                acting_user=manager, site=site, department=office, platform=platform, name=name,
                organiser=site.organiser, administrator=manager.profile.display_name or manager.get_username(),
                responsible_person=manager.profile.display_name or manager.get_username(), responsible_user=manager,
                approval_reference=f"{site.code.upper()}-XMT-{opened:%Y}-{rng.randint(1, 99):02d}",
                approved_by=f"{site.organiser}办公室", approved_on=opened - timedelta(days=10), opened_on=opened)
            counts["accounts"] += 1
            for n, days_ago in enumerate(range(span, 0, -step)):
                day = today - timedelta(days=days_ago)
                at = timezone.make_aware(datetime.combine(day, time(9 + n % 8, 30)))
                actions.record_newmedia_post(account, acting_user=manager, title=TITLES[n % len(TITLES)],
                                             published_at=at, guid=f"demo:{site.code}:{platform}:{day:%Y%m%d}:{n}")
                counts["posts"] += 1
    say(f"{site.code}: liaisons demo — " + ", ".join(f"{v} {k}" for k, v in counts.items()) + " created")
    return counts
