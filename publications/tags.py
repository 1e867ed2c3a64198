"""Tag housekeeping shared by every app: usage counts and merging.

All apps share taggit's ``Tag`` through per-model tables (``TaggedPublication``, and whatever other
apps add). This module finds those tables through ``Tag._meta.related_objects`` so it works for
every tagged model without importing the apps that own them (``options`` imports
``publications``, never the reverse).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from taggit.forms import TagField
from taggit.models import Tag

from policyhub.editorial.revisions import record_many

# Sent inside a merge's transaction with ``survivor`` and ``merged_slugs``: the site leaves
# redirects from the merged tags' addresses (policyhub/pages/redirects.py).
tags_merged = Signal()


@dataclass(frozen=True)
class TagUsage:
    """One kind of tagged content: the through table and the model it tags."""

    through: type[models.Model]
    tagged_model: type[models.Model]

    @property
    def key(self):
        return f"usage_{self.through._meta.app_label}_{self.through._meta.model_name}"

    @property
    def label(self):
        return str(self.tagged_model._meta.verbose_name_plural).capitalize()


def tag_usages():
    """Every tagged model, found through the TaggableManager relations pointing at ``Tag``."""
    usages = []
    for relation in Tag._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            usages.append(TagUsage(through=through, tagged_model=relation.related_model))
    return sorted(usages, key=lambda usage: usage.key)


def tag_foreign_keys():
    """Every many-to-one key to ``Tag``: the through tables, even ones no TaggableManager uses.

    One-to-one rows (per-tag metadata, if an app adds any) go with their tag when it is deleted.
    """
    return [relation.field for relation in Tag._meta.related_objects if relation.one_to_many]


def with_usage_counts(queryset):
    """Annotate each tag with one count per tagged model and ``usage_total``.

    Subqueries rather than ``Count`` over joins: joining three through tables multiplies rows.
    """
    annotations = {}
    for usage in tag_usages():
        count = (
            usage.through.objects.filter(tag=models.OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        annotations[usage.key] = Coalesce(
            models.Subquery(count, output_field=models.IntegerField()), 0
        )
    queryset = queryset.annotate(**annotations)
    total = sum((models.F(key) for key in annotations), models.Value(0))
    return queryset.annotate(usage_total=models.ExpressionWrapper(total, models.IntegerField()))


@dataclass
class MergeResult:
    survivor: Tag
    merged_names: list
    moved: int = 0
    duplicates_removed: int = 0


def merge_tags(survivor, tags, user=None):
    """Fold ``tags`` into ``survivor`` and delete them.

    Every item tagged with any of ``tags`` ends up tagged with ``survivor`` exactly once: a link is
    repointed when the item lacks the survivor, and dropped when the item already has it (or got
    it from an earlier link in this merge). Works on every table with a foreign key to ``Tag``.
    Each item with revisions gets one, by ``user``, saying which of its tags were merged.
    """
    others = [tag for tag in tags if tag.pk != survivor.pk]
    result = MergeResult(survivor=survivor, merged_names=sorted(tag.name for tag in others))
    if not others:
        return result
    other_ids = [tag.pk for tag in others]
    names = {tag.pk: tag.name for tag in others}
    tagged_models = {usage.through: usage.tagged_model for usage in tag_usages()}
    with transaction.atomic():
        for field in tag_foreign_keys():
            model = field.model
            # What identifies the tagged item: every column except the primary key and the tag.
            item_fields = [
                f.attname
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name != field.name
            ]
            links = list(
                model._default_manager.filter(**{f"{field.name}__in": other_ids})
                .order_by("pk")
                .values_list("pk", *item_fields, field.attname)
            )
            if not links:
                continue
            has_survivor = set(
                model._default_manager.filter(**{field.name: survivor}).values_list(*item_fields)
            )
            move, drop = [], []
            merged = defaultdict(list)  # item → the names of its tags merged away
            for pk, *item, tag_id in links:
                item = tuple(item)
                merged[item].append(names[tag_id])
                if item in has_survivor:
                    drop.append(pk)
                else:
                    move.append(pk)
                    has_survivor.add(item)
            model._default_manager.filter(pk__in=drop).delete()
            model._default_manager.filter(pk__in=move).update(**{field.name: survivor})
            result.moved += len(move)
            result.duplicates_removed += len(drop)
            if model in tagged_models:
                _record_revisions(tagged_models[model], model, item_fields, merged, survivor, user)
        Tag.objects.filter(pk__in=other_ids).delete()
        tags_merged.send(
            sender=Tag, survivor=survivor, merged_slugs=sorted(tag.slug for tag in others)
        )
    return result


def _record_revisions(tagged_model, through, item_fields, merged, survivor, user):
    """A revision for each item whose tags a merge changed; ``merged`` is {item: [names]}, an
    item being the values of ``item_fields`` in a row of ``through``."""
    keys = [
        f.attname
        for f in through._meta.concrete_fields
        if f.is_relation and f.related_model is tagged_model
    ]
    if not hasattr(tagged_model, "relations_snapshots") or len(keys) != 1:
        return  # no revisions kept, or tagged through a generic relation
    at = item_fields.index(keys[0])
    reasons = {}
    for item, names in merged.items():
        quoted = ", ".join(f"“{name}”" for name in sorted(names, key=str.lower))
        noun = "Tag" if len(names) == 1 else "Tags"
        reasons[item[at]] = f"{noun} {quoted} merged into “{survivor.name}”"
    record_many(tagged_model, reasons, reason=reasons, user=user)


def most_used(tags):
    """The tag with the highest ``usage_total`` (ties: alphabetical), from annotated tags."""
    return min(tags, key=lambda tag: (-tag.usage_total, tag.name.lower(), tag.pk))


def give_every_tag_a_slug(sender, instance, **kwargs):
    """``pre_save`` for ``Tag``: taggit slugifies a name such as "!!!" or "🙂" to "", which no URL
    can hold, so every page linking to the tag failed. Such a tag gets a slug from its name."""
    if not instance.slug:
        digest = hashlib.sha256(instance.name.encode()).hexdigest()[:10]
        instance.slug = f"tag-{digest}"


def comma_separated_tags(text):
    """Editors type tags separated by commas; a tag may contain spaces ("food security").

    taggit's default parser splits on spaces when there is no comma, so "North Korea" typed alone
    became two tags. Quotes are kept for editors used to taggit's syntax.
    """
    names = []
    for part in (text or "").split(","):
        name = " ".join(part.split()).strip('"').strip()
        if name and name.casefold() not in {existing.casefold() for existing in names}:
            names.append(name)
    return names


def comma_joined_tags(tags):
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))


class TagNamesField(TagField):
    """taggit's admin field, refusing a name longer than a tag can hold: PostgreSQL would
    refuse the row at save, after the form had said yes (SQLite stores it)."""

    def clean(self, value):
        names = super().clean(value)
        limit = Tag._meta.get_field("name").max_length
        for name in names:
            if len(name) > limit:
                raise forms.ValidationError(
                    "A tag can be at most %(limit)s characters long; “%(start)s…” has %(length)s.",
                    code="tag_too_long",
                    params={"limit": limit, "start": name[:40], "length": len(name)},
                )
        return names
