from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Content in and out as JSON Lines: import_content, export_content, load_demo."""

    name = "policyhub.interchange"
    label = "interchange"
    verbose_name = "Import and export"
