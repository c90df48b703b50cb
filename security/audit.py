"""Writing the audit trail. Every action calls ``record`` inside its own transaction."""
from django.db import transaction
from django.utils import timezone

from .models import AuditEvent

_request_context = {}


def client_of(request):
    if request is None:
        return None, ""
    ip = request.META.get("REMOTE_ADDR") or None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:300]


def record(action, *, actor=None, obj=None, site=None, request=None, ip=None, data=None):
    """Append one event. Must run inside the caller's transaction (it takes the chain lock)."""
    if request is not None and ip is None:
        ip, agent = client_of(request)
    else:
        agent = ""
    with transaction.atomic():
        last = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=actor.get_username() if getattr(actor, "pk", None) else (str(actor) if actor else "system"),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            site_code=getattr(site, "code", "") or "",
            ip=ip,
            user_agent=agent,
            data=data or {},
            prev_hash=last.hash if last else "",
        )
        event.hash = event.compute_hash()
        event.save()
    return event
