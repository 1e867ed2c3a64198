from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Editor-made pages (About, Contact...) at /<path>/ and the header and footer menus."""

    name = "policyhub.pages"
    label = "pages"
    verbose_name = "Pages and menus"

    def ready(self):
        from policyhub.editorial import cache

        # A page or a menu item appears in every page's header or footer.
        cache.watch("pages")
