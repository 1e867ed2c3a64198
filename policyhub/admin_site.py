"""The admin index in the order editors use it, rather than Django's alphabetical one:
publications, policy options, people and taxonomy, search, then users and login records."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

# The index's sections: (name, [(app label, model name), ...]); the first section that names a
# model takes it. Apps and models not named here keep their own section, before the users.
SECTIONS = [
    ("Publications", [("publications", "publication")]),
    (
        "Policy options",
        [
            ("options", "policyoption"),
            ("options", "policyquestion"),
            ("options", "track"),
            ("options", "actor"),
        ],
    ),
    (
        "People and taxonomy",
        [
            ("publications", "person"),
            ("publications", "topic"),
            ("publications", "region"),
            ("publications", "publicationtype"),
            ("taggit", "tag"),
        ],
    ),
    (
        "Pages and menus",
        [
            ("pages", "page"),
            ("pages", "menu"),
            ("pages", "homeslot"),
            ("editorial", "sitesettings"),
        ],
    ),
]
LAST_APPS = ["auth", "axes"]


class AutocompleteView(AutocompleteJsonView):
    """Entries labelled by the ModelAdmin's ``autocomplete_label(obj)`` where it has one, so
    items with alike titles can be told apart."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class PolicyHubAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return AutocompleteView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list  # one app's own page: its models, as Django lists them
        models = {
            (app["app_label"], model["object_name"].lower()): (app, model)
            for app in app_list
            for model in app["models"]
        }
        taken = set()
        sections = []
        for name, wanted in SECTIONS:
            found = [models[key] for key in wanted if key in models and key not in taken]
            if not found:
                continue
            taken.update(key for key in wanted if key in models)
            first_app, first_model = found[0]
            sections.append(
                {
                    **first_app,
                    "name": name,
                    # A section may gather several apps: its heading opens its first list.
                    "app_url": first_model["admin_url"] or first_app["app_url"],
                    "models": [model for _, model in found],
                }
            )
        rest = []
        for app in app_list:
            left = [
                m
                for m in app["models"]
                if (app["app_label"], m["object_name"].lower()) not in taken
            ]
            if left:
                rest.append({**app, "models": left})
        rest.sort(
            key=lambda app: (
                LAST_APPS.index(app["app_label"]) if app["app_label"] in LAST_APPS else -1
            )
        )
        return sections + rest
