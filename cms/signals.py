"""Signals the content core sends or receives without importing the apps above it.

``content_changed(article_id, site_id, reason)`` is sent after commit whenever public
content changes (publish, edit of a live article, withdraw, expiry); the page cache and the
search index listen to it.
"""
from django.dispatch import Signal

content_changed = Signal()
