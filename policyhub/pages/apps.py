from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Editor-made pages (About, Contact...) at /<path>/ and the header and footer menus."""

    name = "policyhub.pages"
    label = "pages"
    verbose_name = "Pages and menus"

    def ready(self):
        from policyhub.editorial import cache
        from policyhub.editorial.images import HERO_WIDTHS
        from publications.management.commands.make_renditions import JOBS
        from publications.tags import tags_merged

        from .models import Page
        from .redirects import redirect_merged_tags

        # manage.py make_renditions covers page heroes too.
        job = (Page, "hero_image", "hero_renditions", HERO_WIDTHS)
        if job not in JOBS:
            JOBS.append(job)

        # A page or a menu item appears in every page's header or footer.
        cache.watch("pages")
        tags_merged.connect(redirect_merged_tags, dispatch_uid="pages_redirect_merged_tags")
