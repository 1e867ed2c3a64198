from django.apps import AppConfig
from django.db.models.signals import pre_save


class PublicationsConfig(AppConfig):
    name = "publications"

    def ready(self):
        from taggit.models import Tag

        from policyhub.editorial import cache, redirects
        from policyhub.editorial.models import OldSlug

        from .models import Person, Publication, Region, Topic
        from .tags import give_every_tag_a_slug

        pre_save.connect(give_every_tag_a_slug, sender=Tag, dispatch_uid="tag_slug_fallback")
        cache.watch("publications", "taggit")
        redirects.register(
            OldSlug.Kind.PUBLICATION,
            Publication,
            ("publications:detail", "publications:cite_bibtex", "publications:cite_ris"),
            Publication.objects.published,
        )
        for kind, model, name, visible in [
            (OldSlug.Kind.PERSON, Person, "person", Person.objects.visible),
            (OldSlug.Kind.TOPIC, Topic, "topic", Topic.objects.all),
            (OldSlug.Kind.REGION, Region, "region", Region.objects.all),
        ]:
            urls = (
                f"publications:{name}",
                f"publications:{name}_feed",
                f"publications:{name}_atom_feed",
            )
            redirects.register(kind, model, urls, visible)
