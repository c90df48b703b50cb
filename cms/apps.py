from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")

    def ready(self):
        from taxsite import outbox

        from .signals import content_changed

        @outbox.register("purge")
        def announce_content_change(payload):
            # Listeners (page cache, search index) raise on failure; the outbox retries.
            content_changed.send(sender=None, **{k: v for k, v in payload.items() if k != "sender"})

        content_changed.connect(_refresh_public_copies, dispatch_uid="cms.refresh_public_copies")


def _refresh_public_copies(sender, article_id, site_id, reason="", columns=(), **kwargs):
    """Bring the search index and the page cache in step with one article's change."""
    from .models import Article, ColumnAncestor
    from .pagecache import purge
    from .search import index_article

    index_article(article_id)
    column_ids = set(columns)
    current = Article.objects.filter(pk=article_id).values_list("column_id", flat=True).first()
    if current:
        column_ids.add(current)
    ancestors = set(ColumnAncestor.objects.filter(column_id__in=column_ids).values_list("ancestor_id", flat=True))
    purge([f"article:{article_id}", f"home:{site_id}", f"feeds:{site_id}"] + [f"column:{c}" for c in ancestors])
