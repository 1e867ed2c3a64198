from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_roles(sender, using="default", **kwargs):
    """After the last app's permissions exist (Django creates them on post_migrate, app by app),
    give the Contributors and Editors groups theirs."""
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not last:
        return
    from .roles import ensure_roles

    ensure_roles()


class EditorialConfig(AppConfig):
    """Publishing rules shared by every content app: workflow, revisions, preview, rich text,
    images, old-slug redirects, roles, the dashboard and the page and data caches."""

    name = "policyhub.editorial"
    label = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from . import cache, revisions  # noqa: F401 - revisions connects the relations snapshot

        cache.connect()
        # Figures in published texts show the library's images.
        cache.watch("editorial.libraryimage")
        from django.db.models.signals import post_delete, post_save

        from .models import PendingChange
        from .pending import forget_next_due

        for signal in (post_save, post_delete):
            signal.connect(forget_next_due, sender=PendingChange, dispatch_uid=f"{signal}.due")
        post_migrate.connect(_ensure_roles, dispatch_uid="policyhub.editorial.roles")
