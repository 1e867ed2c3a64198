from django.apps import AppConfig


class OptionsConfig(AppConfig):
    name = "options"
    verbose_name = "Policy options"

    def ready(self):
        from policyhub.editorial import cache, redirects
        from policyhub.editorial.models import OldSlug

        from .models import PolicyOption

        cache.watch("options")
        redirects.register(
            OldSlug.Kind.OPTION, PolicyOption, ("options:detail",), PolicyOption.objects.visible
        )
