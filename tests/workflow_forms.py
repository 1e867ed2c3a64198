"""Hand-built POST data for the admin change forms of publications and options: the workflow
tests forge variants of these (tests/admin_forms.py reads a rendered form instead)."""

from django.urls import reverse
from django.utils import timezone

MANAGEMENT = {
    "TOTAL_FORMS": "0",
    "INITIAL_FORMS": "0",
    "MIN_NUM_FORMS": "0",
    "MAX_NUM_FORMS": "1000",
}


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def change_url(obj):
    return admin_url(obj, "change", obj.pk)


def publish_time(value):
    if value is None:
        return {"published_at_0": "", "published_at_1": ""}
    local = timezone.localtime(value)
    return {
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }


def inlines(*prefixes):
    return {f"{prefix}-{key}": value for prefix in prefixes for key, value in MANAGEMENT.items()}


def publication_data(publication, with_time=True, **changes):
    data = {
        "title": publication.title,
        "slug": publication.slug,
        "publication_type": publication.publication_type_id,
        "summary": publication.summary,
        "body": publication.body,
        "tags": "",
        "status": publication.status,
        **inlines("authorships", "related_links", "document_attachments"),
    }
    if with_time:
        data.update(publish_time(publication.published_at))
    data.update(changes)
    return data


def option_data(option, with_time=True, **changes):
    data = {
        "title": option.title,
        "slug": option.slug,
        "question": option.question_id,
        "track": option.track_id,
        "level": option.level,
        "timeframe": option.timeframe,
        "summary": option.summary,
        "real_world_status": option.real_world_status,
        "status": option.status,
        **inlines("source_links"),
    }
    if with_time:
        data.update(publish_time(option.published_at))
    data.update(changes)
    return data


def kinds():
    """{name: (factory, form data builder)} for every model with the workflow and a preview."""
    from tests.factories import PolicyOptionFactory, PublicationFactory

    return {
        "publication": (PublicationFactory, publication_data),
        "option": (PolicyOptionFactory, option_data),
    }


KIND_NAMES = ["publication", "option"]

# The change form's "Publish changes" button: an editor's save of a published item goes live at
# once instead of being kept as pending changes.
PUBLISH_CHANGES = {"_publish_changes": "1"}
