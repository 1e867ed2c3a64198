""" "Did you mean": a corrected query built from the index's own words.

Each word of the query (letters only, four or more) that the index does not know, and that no
synonym names, is replaced by the closest word of the indexed titles (``SearchWord``: titles,
people's names) within an edit distance that grows with the word's length, the commoner first
among equals. The same on both databases: the candidates are one range of the vocabulary's
index, its words with the same first letter and about the same length. The correction is
offered only if the same search finds more with it: a word only a draft holds finds nothing, so
it is never shown.
"""

import re
from collections import Counter

from django.db import connection

from .models import Synonym, fold, prefix_end
from .query import MAX_TERMS

WORD_RE = re.compile(r"[^\W\d_]+")
MIN_LENGTH = 4


def distance(a, b, limit):
    """Edit distance with transpositions (optimal string alignment), or limit + 1 if over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _limit(word):
    return 1 if len(word) <= 5 else 2


def _best(word, candidates):
    """The closest of (form, weight) pairs within the word's limit, else None."""
    limit = _limit(word)
    scored = [
        (d, -weight, -len(form), form)
        for form, weight in candidates
        if (d := distance(word, form, limit)) <= limit
    ]
    return min(scored)[3] if scored else None


def _close_letters(word, term, slack):
    # A cheap bound before the edit distance: one edit changes at most two letter counts.
    letters = Counter(word)
    letters.subtract(term)
    return sum(map(abs, letters.values())) <= slack


def _known(cursor, word):
    if connection.vendor == "postgresql":
        # Planned on its own, the CTE uses the GIN index; a bare EXISTS is planned to stop at
        # the first match and scans the whole table when there is none, the very case asked.
        cursor.execute(
            "WITH hits AS MATERIALIZED (SELECT 1 FROM search_searchdocument "
            "WHERE search_vector @@ plainto_tsquery('english', %s)) "
            "SELECT EXISTS (SELECT 1 FROM hits)",
            [word],
        )
        return cursor.fetchone()[0]
    cursor.execute("SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [f'"{word}"'])
    return cursor.fetchone() is not None


def _correction(cursor, word):
    if _known(cursor, word):
        return None
    limit = _limit(word)
    cursor.execute(
        "SELECT word, titles FROM search_searchword WHERE word >= %s AND word < %s "
        "AND length(word) BETWEEN %s AND %s",
        [word[0], prefix_end(word[0]), len(word) - limit, len(word) + limit],
    )
    return _best(
        word,
        [(form, n) for form, n in cursor.fetchall() if _close_letters(word, form, 2 * limit)],
    )


def did_you_mean(text, synonyms=()):
    """``text`` with its unknown words corrected, or None when there is nothing to correct."""
    named = {w for group in synonyms for term in group for w in WORD_RE.findall(fold(term))}
    words = [w for w in WORD_RE.findall(fold(text)) if len(w) >= MIN_LENGTH and w not in named]
    # As many as the parser keeps: two or three queries each, so a long paste stays bounded.
    words = list(dict.fromkeys(words))[:MAX_TERMS]
    if not words:
        return None
    corrections = {}
    with connection.cursor() as cursor:
        for word in words:
            correction = _correction(cursor, word)
            if correction and correction != word:
                corrections[word] = correction
    if not corrections:
        return None
    return WORD_RE.sub(lambda m: _replace(m[0], corrections), text)


def _replace(word, corrections):
    correction = corrections.get(fold(word).strip())
    if not correction:
        return word
    # The reader's capitals, as far as they go: "Nort" becomes "North".
    return correction.capitalize() if word[:1].isupper() else correction


def suggestion(text, found, search):
    """A corrected query that ``search(corrected)`` shows more results for than ``found``."""
    corrected = did_you_mean(text, Synonym.objects.groups())
    if corrected and search(corrected) > found:
        return corrected
    return None
