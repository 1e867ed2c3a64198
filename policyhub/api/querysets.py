"""What the API lists: the reader pages' own ``published()`` rules, nothing of its own.

People and tags have no publish state; they are visible through what they belong to, as their
pages are: a person who wrote a published publication, a tag on published content.
"""

from options.forms import visible_option_tags
from options.models import PolicyOption, PolicyQuestion
from publications.forms import published_tags
from publications.models import Person, Publication, Region, Topic


def publications():
    return Publication.objects.published()


def options():
    return PolicyOption.objects.visible()


def questions():
    return PolicyQuestion.objects.published()


def people():
    return Person.objects.visible().prefetch_related("expertise", "profile_links")


def topics():
    # Every topic and region has a reader page, empty until something is published in it.
    return Topic.objects.all()


def regions():
    return Region.objects.all()


def tags():
    # The tag pages' rule: a tag used only by hidden content does not exist.
    return published_tags() | visible_option_tags()
