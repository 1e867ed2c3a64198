from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: the health check, backup and restore."""

    name = "policyhub.operations"
    label = "operations"
    verbose_name = "Operations"
