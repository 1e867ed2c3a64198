from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "policyhub.api"
    label = "api"
    verbose_name = "API"
