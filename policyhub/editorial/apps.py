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
        from django.core.signals import request_started
        from django.db.models.signals import post_delete, post_save

        from . import cache, pending, revisions, site  # noqa: F401 - revisions: the snapshot
        from .models import PendingChange, SiteSettings, SocialLink

        cache.connect()
        # The site's name, logo and footer appear on every page; figures in published texts
        # show the library's images.
        cache.watch("editorial.sitesettings", "editorial.sociallink", "editorial.libraryimage")
        request_started.connect(site.forget, dispatch_uid="policyhub.editorial.site.request")
        for signal in (post_save, post_delete):
            # A pending change saved, scheduled or not, or gone: its go-live time may move.
            signal.connect(
                cache.schedule_changed, sender=PendingChange, dispatch_uid=f"{signal}.due"
            )
            for model in (SiteSettings, SocialLink):
                signal.connect(site.forget, sender=model, dispatch_uid=f"{signal}.{model}.site")
        post_delete.connect(
            pending.pending_deleted, sender=PendingChange, dispatch_uid="pending.files"
        )
        post_migrate.connect(_ensure_roles, dispatch_uid="policyhub.editorial.roles")
