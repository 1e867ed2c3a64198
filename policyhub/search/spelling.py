""" "Did you mean": a corrected query built from the index's own words.

Each word of the query (letters only, four or more) that the index does not know, and that no
synonym names, is replaced by the closest word the index holds, within an edit distance that
grows with the word's length. SQLite reads its terms from the FTS5 index (``search_fts_vocab``:
porter stems, matched less an ending and shown as the texts spell them); PostgreSQL takes the
words of the visible titles closest to it by trigrams (the ``title_words`` index). The correction
is offered only if the same search finds more with it: a word only a draft holds finds nothing, so
it is never shown.
"""

import re
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from .documents import visible_documents
from .models import Synonym, fold
from .query import MAX_TERMS

WORD_RE = re.compile(r"[^\W\d_]+")
MIN_LENGTH = 4
# Titles read per unknown word on PostgreSQL, and the trigram word similarity they need.
TITLE_CANDIDATES = 20
WORD_SIMILARITY = "0.4"
# Endings the porter stemmer takes off: "goverment" is one edit from the stem "govern" + "ment".
ENDINGS = frozenset(
    ("e", "s", "es", "ed", "ing", "ings", "er", "ers", "ly", "al", "ally", "ment", "ments")
    + ("ness", "ation", "ations", "ity", "ive", "ic", "ical")
)
LONGEST_ENDING = max(map(len, ENDINGS))


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


def stem_distance(word, stem, limit):
    """The edit distance from ``stem`` to ``word`` without one of its ENDINGS (or whole), or
    limit + 1 if over: one table, read at each row where what is left of the word is an ending."""
    best, before, previous = limit + 1, None, list(range(len(stem) + 1))
    for i in range(1, len(word) + 1):
        current = [i] + [0] * len(stem)
        for j in range(1, len(stem) + 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word[i - 1] != stem[j - 1])
            )
            if i > 1 and j > 1 and word[i - 1] == stem[j - 2] and word[i - 2] == stem[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if i == len(word) or word[i:] in ENDINGS:
            best = min(best, current[-1])
        if min(current) > limit:
            break
        before, previous = previous, current
    return best


def _close_letters(word, term, slack):
    # A cheap bound before the edit distance: one edit changes at most two letter counts.
    letters = Counter(word)
    letters.subtract(term)
    return sum(map(abs, letters.values())) <= slack


def _sqlite_correction(cursor, word):
    cursor.execute("SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [f'"{word}"'])
    if cursor.fetchone():
        return None
    limit = _limit(word)
    # Stems starting with the same letter: a range the vocabulary table reads in order.
    cursor.execute(
        "SELECT term, doc FROM search_fts_vocab WHERE term >= %s AND term < %s "
        "AND length(term) BETWEEN %s AND %s",
        [word[0], chr(ord(word[0]) + 1), len(word) - limit - LONGEST_ENDING, len(word) + limit],
    )
    scored = [
        (d, -documents, term)
        for term, documents in cursor.fetchall()
        if len(term) >= MIN_LENGTH - 1
        and _close_letters(word, term, 2 * limit + LONGEST_ENDING)
        and (d := stem_distance(word, term, limit)) <= limit
    ]
    if not scored:
        return None
    return _surface(cursor, word, min(scored)[2])


def _surface(cursor, word, stem):
    """The word the texts use for ``stem`` that is closest to the reader's, else the stem."""
    cursor.execute(
        "SELECT highlight(search_fts, 0, char(1), char(2)) || ' ' || "
        "highlight(search_fts, 1, char(1), char(2)) FROM search_fts "
        "WHERE search_fts MATCH %s LIMIT 5",
        [f'"{stem}"'],
    )
    marked = {
        found
        for (text,) in cursor.fetchall()
        for found in WORD_RE.findall(fold(" ".join(re.findall("\x01(.*?)\x02", text))))
    }
    return _best(word, [(found, 0) for found in marked]) or stem


def _postgresql_correction(cursor, word, now):
    # Planned on its own, the CTE uses the GIN index; a bare EXISTS is planned to stop at the
    # first match and scans the whole table when there is none, the very case asked about.
    cursor.execute(
        "WITH hits AS MATERIALIZED (SELECT 1 FROM search_searchdocument "
        "WHERE search_vector @@ plainto_tsquery('english', %s)) "
        "SELECT EXISTS (SELECT 1 FROM hits)",
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
    words = [w for w in WORD_RE.findall(fold(text)) if len(w) >= MIN_LENGTH and w not in named]
    # As many as the parser keeps: two or three queries each, so a long paste stays bounded.
    words = list(dict.fromkeys(words))[:MAX_TERMS]
    if not words:
        return None
    now = timezone.now()
    corrections = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for word in words:
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
