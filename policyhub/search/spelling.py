""" "Did you mean": a corrected query built from the index's own words.

Each word of the query (letters only, four or more) that the index does not know, and that no
synonym names, is replaced by the closest word the index holds, within an edit distance that
grows with the word's length. SQLite reads its terms from the FTS5 index (``search_fts_vocab``,
porter stems, so a stem is given back its most likely ending); PostgreSQL takes the words of
the visible titles closest to it by trigrams (the ``title_words`` index). The correction is
offered only if the same search finds more with it: a word only a draft holds finds nothing, so
it is never shown.
"""

import re

from django.db import connection, transaction
from django.utils import timezone

from .documents import visible_documents
from .models import Synonym, fold

WORD_RE = re.compile(r"[^\W\d_]+")
MIN_LENGTH = 4
# Titles read per unknown word on PostgreSQL, and the trigram word similarity they need.
TITLE_CANDIDATES = 20
WORD_SIMILARITY = "0.4"
# Endings the porter stemmer takes off, to show "sanctions" rather than the stem "sanction".
ENDINGS = ("", "e", "s", "es", "ed", "ing")


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


def _sqlite_correction(cursor, word):
    cursor.execute("SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [f'"{word}"'])
    if cursor.fetchone():
        return None
    limit = _limit(word)
    # Terms starting with the same letter: a range the vocabulary table reads in order.
    cursor.execute(
        "SELECT term, doc FROM search_fts_vocab WHERE term >= %s AND term < %s "
        "AND length(term) BETWEEN %s AND %s",
        [word[0], chr(ord(word[0]) + 1), len(word) - limit - 3, len(word) + limit],
    )
    forms = []
    for term, documents in cursor.fetchall():
        forms += [(term + ending, documents) for ending in ENDINGS]
        if term.endswith("i"):
            forms += [(term[:-1] + "y", documents), (term[:-1] + "ies", documents)]
    return _best(word, forms)


def _postgresql_correction(cursor, word, now):
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM search_searchdocument "
        "WHERE search_vector @@ plainto_tsquery('english', %s))",
        [word],
    )
    if cursor.fetchone()[0]:
        return None
    cursor.execute(
        "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [WORD_SIMILARITY]
    )
    titles = (
        visible_documents(now)
        .filter(title_words__trigram_word_similar=word)
        .values_list("title_words", flat=True)[:TITLE_CANDIDATES]
    )
    counts = {}
    for title in titles:
        for found in WORD_RE.findall(title):
            counts[found] = counts.get(found, 0) + 1
    return _best(word, counts.items())


def did_you_mean(text, synonyms=()):
    """``text`` with its unknown words corrected, or None when there is nothing to correct."""
    named = {w for group in synonyms for term in group for w in WORD_RE.findall(fold(term))}
    words = {w for w in WORD_RE.findall(fold(text)) if len(w) >= MIN_LENGTH and w not in named}
    if not words:
        return None
    now = timezone.now()
    corrections = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for word in sorted(words):
            if connection.vendor == "postgresql":
                correction = _postgresql_correction(cursor, word, now)
            else:
                correction = _sqlite_correction(cursor, word)
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
