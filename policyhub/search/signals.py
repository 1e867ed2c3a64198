"""Keep the search index current on every change readers could notice.

Saves, publishing, unpublishing and deletes of the indexed models, their tags, topics, regions,
authors and attached documents, and renames of the things whose names are indexed with them
(people, topics, regions, tracks, questions). Each handler re-reads the affected objects, so the
index always reflects the database, whatever the order of the signals within one admin save.
"""

from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag

from options.models import PolicyOption, PolicyQuestion, TaggedOption, Track
from policyhub.documents.models import Document, PublicationDocument
from publications.models import (
    Authorship,
    Person,
    Publication,
    Region,
    TaggedPublication,
    Topic,
)

from .indexing import reindex, remove
from .models import SearchDocument, SearchFacet, Synonym

Kind = SearchDocument.Kind
UID = "policyhub.search"


def _publication_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Kind.PUBLICATION, [instance.pk])


def _publication_deleted(sender, instance, **kwargs):
    remove(Kind.PUBLICATION, [instance.pk])


def _option_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Kind.OPTION, [instance.pk])


def _option_deleted(sender, instance, **kwargs):
    remove(Kind.OPTION, [instance.pk])


def _person_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    reindex(Kind.PERSON, [instance.pk])
    # The name is indexed with every publication listing the person as an author.
    reindex(Kind.PUBLICATION, instance.publications.values_list("pk", flat=True))


def _person_deleted(sender, instance, **kwargs):
    remove(Kind.PERSON, [instance.pk])


def _authorship_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Kind.PUBLICATION, [instance.publication_id])


def _attachment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Kind.PUBLICATION, [instance.publication_id])


def _document_saved(sender, instance, raw=False, **kwargs):
    # Its title, description and text are indexed with every publication listing it.
    if not raw:
        reindex(Kind.PUBLICATION, instance.attachments.values_list("publication_id", flat=True))


# The Publication field behind each through table, to find the publications a topic, region or
# tag labels when it is changed from its own side.
PUBLICATION_FIELD = {
    Publication.topics.through: "topics",
    Publication.regions.through: "regions",
    TaggedPublication: "tags",
}


def _publications_labelled_by(sender, instance):
    field = PUBLICATION_FIELD[sender]
    return set(Publication.objects.filter(**{field: instance}).values_list("pk", flat=True))


def _publication_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if isinstance(instance, Publication):
        if action.startswith("post_"):
            reindex(Kind.PUBLICATION, [instance.pk])
    elif action == "pre_clear":
        # topic.publications.clear() names no publications: note them before they are gone.
        instance._search_cleared = _publications_labelled_by(sender, instance)
    elif action == "post_clear":
        reindex(Kind.PUBLICATION, getattr(instance, "_search_cleared", ()))
    elif action.startswith("post_") and pk_set:  # e.g. topic.publications.add(...)
        reindex(Kind.PUBLICATION, pk_set)


def _label_deleting(sender, instance, **kwargs):
    """A deleted topic or region takes its through rows with it, with no m2m_changed signal."""
    through = Publication.topics.through if sender is Topic else Publication.regions.through
    instance._search_labelled = _publications_labelled_by(through, instance)


def _label_deleted(sender, instance, **kwargs):
    reindex(Kind.PUBLICATION, getattr(instance, "_search_labelled", ()))


def _option_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, PolicyOption):
        reindex(Kind.OPTION, [instance.pk])
    elif pk_set:
        reindex(Kind.OPTION, pk_set)


def _question_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    question = instance if isinstance(instance, PolicyQuestion) else None
    if question is not None:
        reindex(Kind.OPTION, question.options.values_list("pk", flat=True))


def _question_regions_changed(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    questions = [instance.pk] if isinstance(instance, PolicyQuestion) else list(pk_set or ())
    options = PolicyOption.objects.filter(question__in=questions).values_list("pk", flat=True)
    reindex(Kind.OPTION, options)


def _named_thing_saved(sender, instance, created=False, raw=False, **kwargs):
    """A renamed topic, region, tag, type or track changes the text of what it labels."""
    if raw or created:
        return
    if isinstance(instance, Tag):
        publications = Publication.objects.filter(tags=instance)
        options = PolicyOption.objects.filter(tags=instance)
    elif isinstance(instance, Track):
        publications, options = Publication.objects.none(), instance.options.all()
    elif isinstance(instance, Region):
        publications = Publication.objects.filter(regions__in=instance.descendant_ids())
        options = PolicyOption.objects.filter(question__regions__in=instance.descendant_ids())
    else:  # Topic
        publications, options = instance.publications.all(), PolicyOption.objects.none()
    reindex(Kind.PUBLICATION, set(publications.values_list("pk", flat=True)))
    reindex(Kind.OPTION, set(options.values_list("pk", flat=True)))


def _tagged_item_deleted(sender, instance, **kwargs):
    # A deleted tag removes its through rows without any m2m_changed signal.
    kind = Kind.PUBLICATION if sender is TaggedPublication else Kind.OPTION
    reindex(kind, [instance.content_object_id])


def _tag_deleted(sender, instance, **kwargs):
    """Re-read everything the index still files under a deleted tag.

    Covers tag merges, which move the tagged items to the surviving tag with update() (no
    signals) and then delete the others: the index's facet rows still know who had them.
    """
    documents = SearchDocument.objects.filter(
        facets__facet=SearchFacet.Facet.TAG, facets__value=instance.pk
    ).values_list("kind", "object_id")
    by_kind = {}
    for kind, object_id in documents:
        by_kind.setdefault(kind, set()).add(object_id)
    for kind, ids in by_kind.items():
        reindex(kind, ids)


def _synonyms_changed(sender, **kwargs):
    Synonym.clear_cache()


def _connections():
    """(signal, receiver, sender, dispatch_uid) for every handler above."""
    found = []

    def add(signal, receiver, sender, dispatch_uid):
        found.append((signal, receiver, sender, dispatch_uid))

    add(post_save, _publication_saved, sender=Publication, dispatch_uid=f"{UID}.pub")
    add(post_delete, _publication_deleted, sender=Publication, dispatch_uid=f"{UID}.pub")
    add(post_save, _option_saved, sender=PolicyOption, dispatch_uid=f"{UID}.opt")
    add(post_delete, _option_deleted, sender=PolicyOption, dispatch_uid=f"{UID}.opt")
    add(post_save, _person_saved, sender=Person, dispatch_uid=f"{UID}.person")
    add(post_delete, _person_deleted, sender=Person, dispatch_uid=f"{UID}.person")
    add(post_save, _authorship_changed, sender=Authorship, dispatch_uid=f"{UID}.authorship")
    add(post_delete, _authorship_changed, sender=Authorship, dispatch_uid=f"{UID}.authorship")
    add(post_save, _question_changed, sender=PolicyQuestion, dispatch_uid=f"{UID}.question")
    uid = f"{UID}.attachment"
    add(post_save, _attachment_changed, sender=PublicationDocument, dispatch_uid=uid)
    add(post_delete, _attachment_changed, sender=PublicationDocument, dispatch_uid=uid)
    add(post_save, _document_saved, sender=Document, dispatch_uid=f"{UID}.document")
    for through in (Publication.topics.through, Publication.regions.through, TaggedPublication):
        add(m2m_changed, _publication_m2m_changed, sender=through, dispatch_uid=f"{UID}.{through}")
    for through in (PolicyOption.actors.through, TaggedOption):
        add(m2m_changed, _option_m2m_changed, sender=through, dispatch_uid=f"{UID}.{through}")
    for through in (TaggedPublication, TaggedOption):
        add(
            post_delete,
            _tagged_item_deleted,
            sender=through,
            dispatch_uid=f"{UID}.{through}.deleted",
        )
    add(
        m2m_changed,
        _question_regions_changed,
        sender=PolicyQuestion.regions.through,
        dispatch_uid=f"{UID}.question-regions",
    )
    for model in (Tag, Topic, Region, Track):
        add(post_save, _named_thing_saved, sender=model, dispatch_uid=f"{UID}.{model.__name__}")
    add(post_delete, _tag_deleted, sender=Tag, dispatch_uid=f"{UID}.tag-deleted")
    for model in (Topic, Region):
        uid = f"{UID}.{model.__name__}-deleted"
        add(pre_delete, _label_deleting, sender=model, dispatch_uid=uid)
        add(post_delete, _label_deleted, sender=model, dispatch_uid=uid)
    add(post_save, _synonyms_changed, sender=Synonym, dispatch_uid=f"{UID}.synonym")
    add(post_delete, _synonyms_changed, sender=Synonym, dispatch_uid=f"{UID}.synonym")
    return found


def connect():
    for signal, receiver, sender, uid in _connections():
        signal.connect(receiver, sender=sender, dispatch_uid=uid)


def disconnect():
    for signal, _receiver, sender, uid in _connections():
        signal.disconnect(sender=sender, dispatch_uid=uid)


@contextmanager
def suspended():
    """No per-save index maintenance inside: for bulk loads that rebuild the index once after.

    The caller owns the index afterwards (``indexing.rebuild()`` or ``reindex()``). Without
    receivers, queryset deletes of through rows are also fast deletes (no per-row fetch).
    """
    disconnect()
    try:
        yield
    finally:
        connect()
