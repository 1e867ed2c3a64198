"""Suggestions for the header search box: titles, people and tags readers can see.

A title (or a person's name) matches when any of its words starts with what was typed, folded
(no case, no accents): titles that start with it first, then by the matching word, newest first.
Each is one range of ``TitleWord``'s index, read in that order until a dozen visible titles are
found, however common the prefix. Several words typed match as a phrase (``title_words``),
looked up by the longest of them. Tags are matched in Python: a site has thousands, not millions.
"""

from collections import Counter

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from policyhub.editorial import datacache

from .engine import visibility_sql
from .models import SearchDocument, SearchFacet, fold, prefix_end, title_tokens

TITLE_LIMIT = 12
TAG_LIMIT = 4
TAG_CANDIDATES = 100
Kind = SearchDocument.Kind

# In the index's order, so the database stops after LIMIT visible rows. Table names and
# clauses are ours ({visible} is the compiled visibility clause); every value is a parameter.
TITLES_SQL = (
    "SELECT search_searchdocument.id, search_searchdocument.kind, search_searchdocument.title, "
    "search_searchdocument.url FROM search_titleword JOIN search_searchdocument "
    "ON search_searchdocument.id = search_titleword.document_id WHERE {where} AND {visible} "
    "ORDER BY search_titleword.word, search_titleword.recency DESC, search_titleword.document_id "
    "LIMIT %s"
)
# A tag is suggested only if something a reader can find carries it: a tag used only on
# drafts stays private. Each tag's facet rows stop at the first visible document.
TAGS_SQL = (
    "SELECT id, name, slug FROM taggit_tag WHERE id IN ({ids}) AND EXISTS ("
    "SELECT 1 FROM search_searchfacet JOIN search_searchdocument "
    "ON search_searchdocument.id = search_searchfacet.document_id "
    "WHERE search_searchfacet.facet = %s AND search_searchfacet.value = taggit_tag.id "
    "AND {visible})"
)


VOCABULARY_SQL = (
    "SELECT word, titles FROM search_searchword WHERE word IN ({words}) OR (word >= %s {end})"
)


def _like(text, anywhere):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ("%" if anywhere else "") + escaped + "%"


def _title_rows(cursor, visible, word, prefix, first, phrase):
    """(document id, kind, title, url) of visible documents with a title word equal to ``word``
    (or starting with it, if ``prefix``), in the index's order. ``first``: the positions allowed
    (the title's first word or not); ``phrase``: a LIKE pattern for the whole folded title."""
    where = [f"search_titleword.first IN ({', '.join(['%s'] * len(first))})"]
    params = list(first)
    if prefix:
        where.append("search_titleword.word >= %s")
        params.append(word)
        if (after := prefix_end(word)) is not None:
            where.append("search_titleword.word < %s")
            params.append(after)
    else:
        where.append("search_titleword.word = %s")
        params.append(word)
    if phrase:
        where.append("search_searchdocument.title_words LIKE %s ESCAPE '\\'")
        params.append(phrase)
    visible_sql, visible_params = visible
    cursor.execute(
        TITLES_SQL.format(where=" AND ".join(where), visible=visible_sql),
        [*params, *visible_params, 2 * TITLE_LIMIT],
    )
    return cursor.fetchall()


def _rarest(cursor, words):
    """Which of several words typed (the last one a prefix) the fewest titles hold, from the
    vocabulary's counts: its rows are the fewest to walk testing the phrase. None if a title
    holds no such word, so none can hold the phrase."""
    *whole, last = words
    end = prefix_end(last)
    cursor.execute(
        VOCABULARY_SQL.format(
            words=", ".join(["%s"] * len(whole)), end="AND word < %s" if end else ""
        ),
        [*whole, last, *([end] if end else [])],
    )
    titles = Counter()
    for word, count in cursor.fetchall():
        if word in whole:
            titles[word] += count
        if word.startswith(last):
            titles[last] += count
    # The prefix's count is the sum over its words: at most, since a title may hold several.
    counts = [titles[word] for word in whole] + [titles[last]]
    return None if 0 in counts else counts.index(min(counts))


def _titles(cursor, visible, folded):
    words, first = title_tokens(folded)
    if not words:
        return []
    at = _rarest(cursor, words) if len(words) > 1 else 0
    if at is None:
        return []
    prefix = at == len(words) - 1
    # A word is the title's first word only if nothing but punctuation is typed before it.
    own = [True] if at == first else [False]
    if len(words) == 1:
        groups = [([True], None), ([False], None)]
    else:
        groups = [(own, _like(folded, False)), ([False], _like(folded, True))]
    found, seen = [], set()
    for positions, phrase in groups:
        for pk, *row in _title_rows(cursor, visible, words[at], prefix, positions, phrase):
            if pk not in seen:
                seen.add(pk)
                found.append(tuple(row))
        if len(found) >= TITLE_LIMIT:
            break
    return found[:TITLE_LIMIT]


def _folded_tags():
    # Folding every tag name is most of a suggestion's time on a site with thousands of tags.
    return datacache.remember(
        "search:suggest:tags",
        lambda: [(pk, fold(name)) for pk, name in Tag.objects.values_list("pk", "name")],
    )


def _tags(cursor, visible, folded):
    matching = [
        (not folded_name.startswith(folded), folded_name, pk)
        for pk, folded_name in _folded_tags()
        if folded in folded_name
    ]
    # Bounded: a tag only drafts use may take a place, so keep some to spare.
    ids = [pk for *_, pk in sorted(matching)[:TAG_CANDIDATES]]
    if not ids:
        return []
    visible_sql, visible_params = visible
    cursor.execute(
        TAGS_SQL.format(ids=", ".join(["%s"] * len(ids)), visible=visible_sql),
        [*ids, SearchFacet.Facet.TAG, *visible_params],
    )
    shown = {pk: (name, slug) for pk, name, slug in cursor.fetchall()}
    return [shown[pk] for pk in ids if pk in shown][:TAG_LIMIT]


def suggestions(prefix):
    """Up to 16 {label, kind, url} dicts for titles, names or tags with a word starting
    with ``prefix``."""
    folded = fold(prefix)
    if not folded:
        return []
    visible = visibility_sql(timezone.now())
    kinds = dict(Kind.choices)
    with connection.cursor() as cursor:
        titles = _titles(cursor, visible, folded)
        tags = _tags(cursor, visible, folded)
    return [{"label": title, "kind": kinds[kind], "url": url} for kind, title, url in titles] + [
        {"label": name, "kind": "Tag", "url": reverse("tag", args=[slug])} for name, slug in tags
    ]
