from celery import shared_task


@shared_task(name="taxsite.deliver_outbox_item", acks_late=True)
def deliver_outbox_item(item_id):
    from .outbox import deliver

    return deliver(item_id)


@shared_task(name="taxsite.sweep_outbox", acks_late=True)
def sweep_outbox():
    from .outbox import sweep

    return sweep()
