from dataclasses import dataclass, field

from django import template
from django.db.models import Model
from django.urls import reverse
from django.utils.http import urlencode
from taggit.models import Tag

from options.models import OptionSource, PolicyOption, PolicyOptionQuerySet
from policyhub.editorial import datacache
from publications.models import Person, Publication

register = template.Library()

SUBJECT_LIMIT = 12


@dataclass
class RelatedOptions:
    heading: str
    entries: list = field(default_factory=list)  # [(option, stance label or ""), ...]
    more_url: str = ""


@register.simple_tag
def options_for(subject):
    """The visible options a publication cites, those a person's work argues for, or those about
    a topic, region or tag.

    Used by ``includes/related_options.html`` on the publication, person, topic, region and tag
    pages;
    a fixed number of queries whatever the number of options, kept until the content changes.
    """
    if not isinstance(subject, Model):
        return RelatedOptions("Policy options")
    key = f"options-for:{subject._meta.label_lower}:{subject.pk}"
    return datacache.remember(key, lambda: _options_for(subject))


def _options_for(subject):
    if isinstance(subject, Publication):
        links = (
            OptionSource.objects.filter(
                PolicyOptionQuerySet.visible_condition(prefix="option__"), publication=subject
            )
            .select_related("option", "option__track")
            .order_by("option__track__order", "option__title")
        )
        return RelatedOptions(
            "Policy options discussed here",
            [(link.option, link.get_stance_display()) for link in links],
        )
    if isinstance(subject, Person):
        # What the person's published work argues for: a proposal or support, once per option.
        links = (
            OptionSource.objects.filter(
                PolicyOptionQuerySet.visible_condition(prefix="option__"),
                publication__in=Publication.objects.published().by_author(subject),
                stance__in=[OptionSource.Stance.PROPOSES, OptionSource.Stance.SUPPORTS],
            )
            .select_related("option", "option__track")
            .order_by("option__track__order", "option__title", "stance")
        )
        entries = {}
        for link in links:
            entries.setdefault(link.option.pk, (link.option, link.get_stance_display()))
        return RelatedOptions("Policy options this work argues for", list(entries.values()))
    options = list(
        PolicyOption.objects.visible()
        .for_subject(subject)
        .select_related("track", "question")[: SUBJECT_LIMIT + 1]
    )
    more_url = ""
    if len(options) > SUBJECT_LIMIT:
        options = options[:SUBJECT_LIMIT]
        if isinstance(subject, Tag):
            more_url = reverse("options:list") + "?" + urlencode({"tag": subject.slug})
    return RelatedOptions("Policy options", [(option, "") for option in options], more_url)
