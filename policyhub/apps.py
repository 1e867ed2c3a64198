from django.apps import AppConfig


class PolicyHubConfig(AppConfig):
    name = "policyhub"
    verbose_name = "Site"
