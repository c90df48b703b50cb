"""Factories: small functions that build valid objects with sensible defaults."""
import itertools

from cms.models import Column, ColumnClass, Department, Site, SitePolicy
from security import actions as security_actions
from security.roles import ROLES

_seq = itertools.count(1)


def make_site(code=None, *, parent=None, level=None, **kw):
    n = next(_seq)
    code = code or f"site{n}"
    level = level or (Site.Level.NATIONAL if parent is None else
                      Site.Level.PROVINCIAL if parent.level == Site.Level.NATIONAL else Site.Level.MUNICIPAL)
    defaults = dict(name=f"测试网站{n}", domain=f"{code}.example.test", site_id_code=f"bm{n:08d}",
                    icp_number=f"京ICP备{n:08d}号", psb_number=f"京公网安备{n:014d}号", organiser="国家税务总局测试局")
    defaults.update(kw)
    site = Site.objects.create(code=code, parent=parent, level=level, **defaults)
    SitePolicy.objects.create(site=site)
    return site


def make_department(site, code=None, *, name=None, general_office=False):
    n = next(_seq)
    return Department.objects.create(site=site, code=code or f"dept{n}", name=name or f"部门{n}",
                                     is_general_office=general_office)


def make_column(site, department, slug=None, *, parent=None, name=None, **kw):
    n = next(_seq)
    kw.setdefault("column_class", ColumnClass.NEWS)
    return Column.objects.create(site=site, department=department, parent=parent, slug=slug or f"col{n}",
                                 name=name or f"栏目{n}", **kw)


def make_user(username, role=None, scope=None, *, site, department=None, password="Correct-Horse-42!"):
    security_actions.ensure_role_groups()
    user = security_actions.create_account(username, password, site=site, department=department)
    if role:
        assert role in ROLES
        security_actions.assign_role(user, role, scope)
    return user


def make_published(user, column, title, *, when=None, **fields):
    """A draft made public directly — a stand-in for a signed slip until the workflow tests
    publish through ``publishing`` actions."""
    from django.utils import timezone

    from cms import actions
    from cms.models import Article, ArticleStatus

    when = when or timezone.now() - timezone.timedelta(minutes=1)
    article = actions.create_draft(acting_user=user, column=column, title=title, **fields)
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED, published_at=when,
                                                 first_published_at=when, display_date=when)
    article.refresh_from_db()
    return article


def deliver_all():
    """Carry out pending outbox items (purges, mails) now, as a worker or the beat sweeper
    would after commit. Test transactions never commit, so tests call this explicitly."""
    from taxsite.outbox import sweep

    return sweep(older_than_seconds=0)
