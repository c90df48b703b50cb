"""The checks of ``manage.py audit`` (SPEC §10), one module per area, each registered in
``registry.CHECKS`` with its stable code and severity. ``runner.run_audit`` runs them and
stores the results for the dashboard (网站监测)."""
from importlib import import_module

from .registry import CHECKS, ERROR, INFO, WARNING, CheckSpec, Finding, register_check

AREAS = ("content", "workflow", "links", "accounts", "trail", "backups", "calendar", "disclosure", "identifiers",
         "liaisons", "interaction")


def load_all():
    """Import every area module (registration happens at import)."""
    for area in AREAS:
        import_module(f"{__name__}.{area}")


__all__ = ["CHECKS", "ERROR", "INFO", "WARNING", "CheckSpec", "Finding", "register_check", "load_all", "AREAS"]
