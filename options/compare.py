"""Side-by-side comparison: reading the requested slugs and laying out one row per attribute."""

from dataclasses import dataclass, field

from django.utils.text import Truncator

from publications.forms import SLUG_RE

from .models import OptionSource

MIN_OPTIONS, MAX_OPTIONS = 2, 4
# Anything beyond this is not a comparison request but noise; it is not even looked up.
MAX_TOKENS = 20


@dataclass
class Selection:
    slugs: list = field(default_factory=list)  # distinct, well-formed, in request order
    rejected: list = field(default_factory=list)  # shortened for display
    truncated: bool = False


def parse_slugs(values):
    """Accept ``?options=a,b,c`` and ``?options=a&options=b`` (and a mix of both)."""
    selection, seen = Selection(), set()
    tokens = [token.strip() for value in values for token in value.split(",")]
    tokens = [token for token in tokens if token]
    if len(tokens) > MAX_TOKENS:
        tokens, selection.truncated = tokens[:MAX_TOKENS], True
    for token in tokens:
        if not SLUG_RE.match(token):
            selection.rejected.append(Truncator(token).chars(40))
        elif token not in seen:
            seen.add(token)
            selection.slugs.append(token)
    return selection


@dataclass
class Row:
    label: str
    cells: list  # one per option, each a list of (text, url or "") pairs


def _links(objects):
    return [(str(obj), obj.get_absolute_url()) for obj in objects]


def _plain(objects):
    return [(str(obj), "") for obj in objects]


def _text(value):
    return [(value, "")] if value else []


def comparison_rows(options):
    """One row per attribute, one cell per option (options come from ``for_detail()``)."""
    rows = [
        Row("Question", [_links([o.question]) for o in options]),
        Row("Track", [_text(o.track.name) for o in options]),
        Row("Level", [_text(o.get_level_display()) for o in options]),
        Row("Timeframe", [_text(o.get_timeframe_display()) for o in options]),
        Row("Real-world status", [_text(_status(o)) for o in options]),
        Row("Summary", [_text(o.summary) for o in options]),
        Row("Actors", [_plain(o.actors.all()) for o in options]),
        Row("Prerequisite options", [_links(o.visible_prerequisites) for o in options]),
        Row("Other conditions", [[(c, "") for c in o.condition_list] for o in options]),
        Row("Goals", [_text(o.goals) for o in options]),
        Row("Risks and trade-offs", [_text(o.risks) for o in options]),
    ]
    for stance, label in OptionSource.Stance.choices:
        rows.append(
            Row(
                f"Sources: {label.lower()}",
                [
                    [
                        (link.publication.title, link.publication.get_absolute_url())
                        for link in o.visible_sources
                        if link.stance == stance
                    ]
                    for o in options
                ],
            )
        )
    return rows


def _status(option):
    text = option.get_real_world_status_display()
    if option.status_date:
        text += f" (as of {option.status_date:%d %B %Y})"
    return text
