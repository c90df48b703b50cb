"""The outbox: side effects that must not be lost (SPEC "Bad input": Redis down at the moment
of publishing → the publish commits; the purge and the mail are retried until they succeed).

``queue(kind, payload)`` writes a row in the caller's transaction and, after commit, tries to
carry it out through Celery; ``sweep()`` (beat, every minute) retries whatever is still
pending. Handlers are registered per kind by the apps (``register``).
"""
import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
_handlers = {}


def register(kind):
    def decorator(func):
        _handlers[kind] = func
        return func
    return decorator


def queue(kind, payload):
    from .models import OutboxItem

    item = OutboxItem.objects.create(kind=kind, payload=payload)
    transaction.on_commit(lambda: _enqueue(item.pk))
    return item


def _enqueue(item_id):
    from .tasks import deliver_outbox_item

    try:
        deliver_outbox_item.apply_async(args=[item_id], retry=False)
    except Exception:  # noqa: BLE001 - broker down: the sweeper delivers it later
        logger.warning("outbox item %s not queued (broker unreachable); the sweeper will retry", item_id)


def deliver(item_id):
    """Carry out one pending item. Returns True when done (now or before)."""
    from .models import OutboxItem

    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.done_at is not None:
            return True
        handler = _handlers.get(item.kind)
        try:
            if handler is None:
                raise LookupError(f"no outbox handler for {item.kind!r}")
            handler(item.payload)
        except Exception as exc:  # noqa: BLE001 - recorded, retried by the sweeper
            item.attempts += 1
            item.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            item.save(update_fields=["attempts", "last_error"])
            logger.warning("outbox item %s failed (%s); will retry", item_id, item.last_error)
            return False
        item.attempts += 1
        item.done_at = timezone.now()
        item.last_error = ""
        item.save(update_fields=["attempts", "done_at", "last_error"])
        return True


def sweep(older_than_seconds=30, limit=500):
    """Retry pending items (beat). Returns (done, still pending)."""
    from .models import OutboxItem

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(OutboxItem.objects.filter(done_at__isnull=True, created_at__lte=cutoff)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    done = sum(1 for pk in ids if deliver(pk))
    return done, len(ids) - done
