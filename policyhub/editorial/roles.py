"""The editorial roles, as auth groups: made after every ``migrate`` (``apps.py``), and used by
``load_demo`` and the tests.

- **Contributors** write: they add, change and delete publications and policy options that are
  not published (draft, in review, unpublished), submit them for review, and add people (new
  authors). Everything else they can only look at, which the admin's pickers need. The workflow
  (``workflow.py``) keeps them from publishing, scheduling, unpublishing, and from
  changing or deleting published content.
- **Editors** hold every permission of the content apps — publish, unpublish and schedule
  included, taxonomies (topics, regions, types, tracks, actors, questions), people, tags and
  search synonyms — but none on users or groups, and cannot rewrite the workflow log or the
  revisions.
"""

from django.apps import apps as global_apps
from django.db.models import Q

CONTRIBUTORS = "Contributors"
EDITORS = "Editors"

CONTENT_APPS = ["publications", "options", "documents", "taggit", "search", "editorial", "pages"]

# (app label, model name, actions)
CONTRIBUTOR_PERMISSIONS = [
    ("publications", "publication", ["add", "change", "delete", "view"]),
    ("options", "policyoption", ["add", "change", "delete", "view"]),
    # The change pages' inlines check their own model's permissions.
    ("publications", "authorship", ["add", "change", "delete", "view"]),
    ("publications", "relatedpublication", ["add", "change", "delete", "view"]),
    ("options", "optionsource", ["add", "change", "delete", "view"]),
    ("publications", "person", ["add", "view"]),
    # Uploads follow the workflow: a document a published publication lists is editors' only
    # (policyhub/documents/admin.py).
    ("documents", "document", ["add", "change", "delete", "view"]),
    ("documents", "publicationdocument", ["add", "change", "delete", "view"]),
    # Images for figures in the text: a changed image would change published pages.
    ("editorial", "libraryimage", ["add", "view"]),
    ("publications", "topic", ["view"]),
    ("publications", "region", ["view"]),
    ("publications", "publicationtype", ["view"]),
    ("options", "policyquestion", ["view"]),
    ("options", "track", ["view"]),
    ("options", "actor", ["view"]),
    ("taggit", "tag", ["view"]),
    ("pages", "page", ["add", "change", "delete", "view"]),
    ("pages", "menu", ["view"]),
    ("pages", "menuitem", ["view"]),
    ("pages", "homeslot", ["view"]),
]

# The workflow log and the revisions are written by the application only.
EDITOR_EXCLUDED = Q(
    Q(content_type__model="statechange") | Q(content_type__model__startswith="historical"),
    codename__regex=r"^(add|change|delete)_",
)


def contributor_permissions(Permission):
    wanted = Q(pk__in=[])
    for app_label, model, actions in CONTRIBUTOR_PERMISSIONS:
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return Permission.objects.filter(wanted)


def editor_permissions(Permission):
    return Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).exclude(
        EDITOR_EXCLUDED
    )


ROLES = {CONTRIBUTORS: contributor_permissions, EDITORS: editor_permissions}


def ensure_roles(apps=global_apps):
    """Create the groups and add any permission they lack; safe to run again.

    Permissions are added, never removed: one a site granted by hand stays. ``apps`` is the
    historical registry inside the data migration, the real one elsewhere.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        missing = permissions(Permission).exclude(pk__in=group.permissions.values("pk"))
        group.permissions.add(*missing)
        groups[name] = group
    return groups
