"""Reads shared by the admin, the portal and the reports. Each returns a queryset with its
joins already right."""
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q

from .models import (
    Article, Column, ColumnAncestor, ColumnGroupObjectPermission, ColumnUserObjectPermission,
    DepartmentGroupObjectPermission, DepartmentUserObjectPermission, Site, SiteGroupObjectPermission,
    SiteUserObjectPermission,
)
from .visibility import public_q


def _granted(user_model, group_model, user, codename):
    """Two subqueries of the object ids on which ``user`` holds ``codename``: directly, and
    through a group. Never materialised in Python."""
    direct = user_model.objects.filter(user=user, permission__codename=codename).values("content_object_id")
    via_group = group_model.objects.filter(
        group__in=Group.objects.filter(user=user), permission__codename=codename
    ).values("content_object_id")
    return direct, via_group


def draftable_columns(user):
    """Columns ``user`` may draft in (SPEC §3): columns granted to them and their
    sub-columns (through the ancestor table), every column of departments they draft for,
    every column of sites they draft for. A constant number of clauses, whatever the grants."""
    if not user.is_authenticated or not user.is_active:
        return Column.objects.none()
    if user.is_superuser:
        return Column.objects.all()
    col_direct, col_group = _granted(ColumnUserObjectPermission, ColumnGroupObjectPermission, user, "draft_in_column")
    dep_direct, dep_group = _granted(DepartmentUserObjectPermission, DepartmentGroupObjectPermission, user,
                                     "draft_in_department")
    site_direct, site_group = _granted(SiteUserObjectPermission, SiteGroupObjectPermission, user, "draft_in_site")
    under_granted = ColumnAncestor.objects.filter(column_id=OuterRef("pk")).filter(
        Q(ancestor_id__in=col_direct) | Q(ancestor_id__in=col_group)
    )
    return Column.objects.filter(
        Exists(under_granted)
        | Q(department_id__in=dep_direct) | Q(department_id__in=dep_group)
        | Q(site_id__in=site_direct) | Q(site_id__in=site_group)
    )


def can_draft_in(user, column):
    return draftable_columns(user).filter(pk=column.pk).exists()


def editable_articles(user):
    """Articles whose column the user may draft in."""
    return Article.objects.filter(column__in=draftable_columns(user).values("pk"))


def scope_ids(user):
    """{(model name, codename): frozenset of object ids} of every object permission the user
    holds directly or through a group — six small queries, cached on the user object for the
    request. Reviewers' scopes are a handful of rows, so materialising them keeps the queue
    and list queries simple ``IN`` lists."""
    cached = getattr(user, "_taxsite_scope", None)
    if cached is not None:
        return cached
    scope = {}
    if user.is_authenticated:
        groups = list(user.groups.values_list("pk", flat=True))
        for label, user_model, group_model in (
                ("site", SiteUserObjectPermission, SiteGroupObjectPermission),
                ("department", DepartmentUserObjectPermission, DepartmentGroupObjectPermission),
                ("column", ColumnUserObjectPermission, ColumnGroupObjectPermission)):
            rows = list(user_model.objects.filter(user=user).values_list("permission__codename", "content_object_id"))
            if groups:
                rows += list(group_model.objects.filter(group_id__in=groups)
                             .values_list("permission__codename", "content_object_id"))
            for codename, object_id in rows:
                scope.setdefault((label, codename), set()).add(object_id)
    user._taxsite_scope = {k: frozenset(v) for k, v in scope.items()}
    return user._taxsite_scope


def sites_with_perm(user, codename):
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(pk__in=sorted(scope_ids(user).get(("site", codename), ())))


# --- Portal reads ---

def site_by_host(host):
    host = (host or "").split(":")[0].lower()
    return Site.objects.filter(domain=host, is_active=True).first()


def published_articles(site=None, column=None, *, now=None):
    qs = Article.objects.filter(public_q(now))
    if column is not None:
        qs = qs.filter(column=column)
    elif site is not None:
        qs = qs.filter(site=site)
    return qs.order_by("-display_date", "-id")


def published_in_subtree(column, *, now=None):
    return Article.objects.filter(public_q(now), column__ancestor_links__ancestor=column).order_by("-display_date", "-id")


def home_blocks(site, *, per_block=8, now=None):
    """Principal columns of the site, each with its newest public articles."""
    columns = list(Column.objects.filter(site=site, is_principal=True, parent__isnull=True).order_by("order", "id"))
    blocks = []
    for column in columns:
        items = list(
            published_in_subtree(column, now=now).only("id", "title", "display_date", "column_id")[:per_block]
        )
        blocks.append((column, items))
    return blocks
