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
            content_changed.send(sender=None, article_id=payload["article_id"], site_id=payload["site_id"],
                                 reason=payload.get("reason", ""))
