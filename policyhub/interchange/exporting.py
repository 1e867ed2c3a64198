"""Every publication and policy option (drafts, scheduled and the rest included) as JSON Lines.

The output is canonical, so export → import into an empty database → export gives the same
bytes: publications then options, each by slug; lists in a fixed order (authors, related
publications and sources in their editorial order, everything else by name or slug); times in
UTC with a "Z"; keys in the documented order; UTF-8 without escapes.
"""

import json
from datetime import UTC

from django.db.models import Prefetch

from options.models import OptionSource, PolicyOption
from publications.models import Authorship, Publication, RelatedPublication

CHUNK = 2000


def iso(value):
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def by_name(objects):
    return sorted(obj.name for obj in objects)


def publication_line(publication):
    return {
        "kind": "publication",
        "slug": publication.slug,
        "title": publication.title,
        "type": publication.publication_type.name,
        "summary": publication.summary,
        "body": publication.body,
        "status": publication.status,
        "published": iso(publication.published_at),
        "authors": [
            {"name": a.person.name, "bio": a.person.bio} for a in publication.authorships.all()
        ],
        "topics": by_name(publication.topics.all()),
        "regions": by_name(publication.regions.all()),
        "tags": sorted(
            (tag.name for tag in publication.tags.all()), key=lambda n: (n.casefold(), n)
        ),
        "source": publication.source_note or None,
        "related": [link.to_publication.slug for link in publication.related_links.all()],
    }


def option_line(option):
    return {
        "kind": "option",
        "slug": option.slug,
        "title": option.title,
        "question": option.question.title,
        "track": option.track.name,
        "level": option.level,
        "timeframe": option.timeframe,
        "summary": option.summary,
        "description": option.description,
        "status": option.status,
        "published": iso(option.published_at),
        "real_world_status": option.real_world_status,
        "actors": by_name(option.actors.all()),
        "prerequisites": sorted(p.slug for p in option.prerequisites.all()),
        "tags": sorted((tag.name for tag in option.tags.all()), key=lambda n: (n.casefold(), n)),
        "sources": [
            {"publication": s.publication.slug, "stance": s.stance, "note": s.note}
            for s in option.source_links.all()
        ],
    }


def records():
    publications = (
        Publication.objects.order_by("slug")
        .select_related("publication_type")
        .prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
            "topics",
            "regions",
            "tags",
            Prefetch(
                "related_links",
                queryset=RelatedPublication.objects.select_related("to_publication").only(
                    "from_publication_id", "order", "to_publication__slug"
                ),
            ),
        )
    )
    for publication in publications.iterator(chunk_size=CHUNK):
        yield publication_line(publication)
    options = (
        PolicyOption.objects.order_by("slug")
        .select_related("question", "track")
        .prefetch_related(
            "actors",
            "tags",
            "prerequisites",
            Prefetch(
                "source_links",
                queryset=OptionSource.objects.select_related("publication").only(
                    "option_id", "stance", "note", "order", "publication__slug"
                ),
            ),
        )
    )
    for option in options.iterator(chunk_size=CHUNK):
        yield option_line(option)


def export(handle):
    """Write every item to a text file opened for writing; returns the number of lines."""
    count = 0
    for record in records():
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
