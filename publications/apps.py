from django.apps import AppConfig
from django.db.models.signals import pre_save


class PublicationsConfig(AppConfig):
    name = "publications"

    def ready(self):
        from taggit.models import Tag

        from . import revisions  # noqa: F401 - connects the relations snapshot
        from .tags import give_every_tag_a_slug

        pre_save.connect(give_every_tag_a_slug, sender=Tag, dispatch_uid="tag_slug_fallback")
