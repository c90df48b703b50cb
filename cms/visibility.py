"""The one visibility rule (SPEC §4, issue 3 point 10): whether an article is public now.

Every public page, list, feed, sitemap and search result filters through ``public_q`` (a
queryset condition) or ``is_public`` (one object). Nothing else decides it.
"""
from django.db.models import Q
from django.utils import timezone

from .models import ArticleStatus

#: States whose page stays reachable (with a notice) though the article is not listed.
NOTICE_STATES = frozenset({ArticleStatus.WITHDRAWN})


def public_q(now=None, prefix=""):
    now = now or timezone.now()
    p = prefix
    return (
        Q(**{f"{p}status": ArticleStatus.PUBLISHED, f"{p}published_at__lte": now})
        & (Q(**{f"{p}expire_at__isnull": True}) | Q(**{f"{p}expire_at__gt": now}))
    )


def is_public(article, now=None):
    now = now or timezone.now()
    return (
        article.status == ArticleStatus.PUBLISHED
        and article.published_at is not None
        and article.published_at <= now
        and (article.expire_at is None or article.expire_at > now)
    )
