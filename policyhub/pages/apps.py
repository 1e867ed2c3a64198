from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Editor-made pages (About, Contact...) at /<path>/ and the header and footer menus."""

    name = "policyhub.pages"
    label = "pages"
    verbose_name = "Pages and menus"

    def ready(self):
        from policyhub.editorial import cache
        from publications.tags import tags_merged

        from .redirects import redirect_merged_tags

        # A page or a menu item appears in every page's header or footer.
        cache.watch("pages")
        tags_merged.connect(redirect_merged_tags, dispatch_uid="pages_redirect_merged_tags")
