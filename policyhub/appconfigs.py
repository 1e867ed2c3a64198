"""Plain names in the admin for the third-party apps editors meet there, and the project's admin
site (policyhub/admin_site.py). Listed in INSTALLED_APPS in place of the apps' own configs."""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from taggit.apps import TaggitAppConfig


class PolicyHubAdminConfig(AdminConfig):
    default_site = "policyhub.admin_site.PolicyHubAdminSite"


class UsersConfig(AuthConfig):
    verbose_name = "Users and groups"


class TagsConfig(TaggitAppConfig):
    verbose_name = "Tags"


class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = "Login attempts"
