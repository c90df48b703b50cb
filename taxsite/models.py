from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxItem(models.Model):
    """A side effect (a mail, a cache purge) recorded in the transaction of the change that
    causes it, carried out after commit and retried by the beat sweeper until it succeeds —
    so a dead broker, Redis or mail server delays it but never loses it."""

    class Kind(models.TextChoices):
        MAIL = "mail", _("e-mail")
        PURGE = "purge", _("cache purge")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["done_at", "created_at"], name="outbox_pending")]
