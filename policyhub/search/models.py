"""Search models: editor-managed synonyms and the index tables.

The index is a denormalised copy of what readers may find: one ``SearchDocument`` per published
(or scheduled) publication and policy option and per person, plus ``SearchFacet`` rows for the
many-valued filters. The full-text side lives in the database, next to these tables, and is
maintained there (see migration 0002): an FTS5 table kept in step by triggers on SQLite, a
generated, weighted tsvector column with a GIN index on PostgreSQL.
"""

import re
import sys
import unicodedata

from django.core.cache import cache
from django.db import models

from policyhub.editorial.cache import CACHE_ERRORS, cache_available, cache_failed

SYNONYM_CACHE_KEY = "search:synonym-groups"
_FOLD_RE = re.compile(r"\w+|[^\w\s]+")


def fold(text):
    """Lower-case, accents dropped, words and punctuation runs each after one space.

    Titles are stored this way (``SearchDocument.title_words``) and suggestion prefixes folded
    alike, so " korea" finds "North Korea's" and "econ" finds "Économie" on both databases.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(" " + piece for piece in _FOLD_RE.findall(plain))


def title_words(title):
    # Folding can lengthen a title (spaces, expanded ligatures): cut to the column's size.
    return fold(title)[: SearchDocument._meta.get_field("title_words").max_length]


def prefix_end(prefix):
    """The least string greater than every string that starts with ``prefix``, or None."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if code == 0xD800:  # surrogates are not text: skip to the first character after them
            code = 0xE000
        if code <= sys.maxunicode:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


def title_tokens(folded):
    """The words and punctuation runs of a folded text, and where its first word is."""
    tokens = folded.split()
    first = next((i for i, token in enumerate(tokens) if _WORD_RE.match(token)), 0)
    return tokens, first


_WORD_RE = re.compile(r"\w")


# Saving a synonym deletes the cached groups; should the cache be unreachable just then, the old
# groups would otherwise be served for good once it is back.
SYNONYM_CACHE_SECONDS = 600


class SynonymQuerySet(models.QuerySet):
    def groups(self):
        """Every group as a list of terms, cached until a synonym is saved or deleted."""
        if not cache_available():
            return [synonym.term_list for synonym in self.all()]
        try:
            groups = cache.get(SYNONYM_CACHE_KEY)
        except CACHE_ERRORS:
            cache_failed("Synonyms: cache unavailable")
            return [synonym.term_list for synonym in self.all()]
        if groups is None:
            groups = [synonym.term_list for synonym in self.all()]
            try:
                cache.set(SYNONYM_CACHE_KEY, groups, timeout=SYNONYM_CACHE_SECONDS)
            except CACHE_ERRORS:
                cache_failed("Synonyms: could not cache the groups")
        return groups


class Synonym(models.Model):
    terms = models.CharField(
        max_length=500,
        help_text='Words or phrases that mean the same, separated by commas: "DPRK, North Korea".',
    )
    note = models.CharField(max_length=300, blank=True)

    objects = SynonymQuerySet.as_manager()

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return " ⇔ ".join(self.term_list)

    @property
    def term_list(self):
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    @staticmethod
    def clear_cache():
        try:
            cache.delete(SYNONYM_CACHE_KEY)
        except CACHE_ERRORS:
            # Always attempted, like a page invalidation: a stale group must not outlive the edit.
            cache_failed("Synonyms: could not clear the cached groups")


class SearchDocument(models.Model):
    """One searchable item. Text is plain (tags stripped) and escaped only when rendered.

    ``published_at`` is the moment readers may see the item (null for people, who are visible
    once they author a published publication): scheduled items are indexed ahead and filtered
    at query time, so no cron job.
    Warning for future migrations: on SQLite, a migration that rebuilds this table drops the
    FTS triggers; run ``manage.py rebuild_search_index`` afterwards (it recreates them).
    """

    class Kind(models.TextChoices):
        PUBLICATION = "publication", "Publication"
        OPTION = "option", "Policy option"
        PERSON = "person", "Person"

    # Small, filtered columns first: SQLite reads a row's columns in order, so anything
    # stored after the long text costs a walk through its overflow pages.
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    published_at = models.DateTimeField(null=True, blank=True)
    # A publication's own status, kept in step by database triggers (search/triggers.py) so a
    # search tests visibility on this row; null for options and people, whose visibility is
    # read from their own tables.
    status = models.CharField(max_length=12, null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    type_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=500)
    title = models.CharField(max_length=300)
    # fold(title): what suggestions match any word of, accent- and case-insensitively.
    title_words = models.CharField(max_length=700, blank=True)
    summary = models.TextField(blank=True, help_text="Shown in results.")
    meta = models.TextField(blank=True, help_text="Summary, tags, authors, topics (weight B).")
    body = models.TextField(blank=True, help_text="Body text (weight C).")
    # The text of a publication's attached documents (weight D, below its own body): a search
    # finds a publication by a sentence deep in its report without its own fields ranking
    # differently. Null when there is none (and nullable so SQLite adds the column in place,
    # keeping the full-text triggers).
    files = models.TextField(null=True, blank=True, help_text="Attached documents (weight D).")
    # The document's SearchFacet values packed in one string ("a7 g12 r3 t5": SearchFacet.CODES),
    # so a search counts the facets of its sampled matches from their index rows rather than
    # looking up ten facet rows each (bench/README.md, "Mechanisms and what they buy").
    # Null until indexed.
    facet_keys = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "object_id"]
        get_latest_by = "published_at"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        # No btree on published_at on purpose: the full-text index drives every search, and
        # PostgreSQL's planner preferred a published_at bitmap scan over the GIN index.
        # search_document_match, SQLite's covering index for the per-match work, is plain SQL
        # in migration 0002: PostgreSQL reads its narrow heap rows instead.

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class SearchFacet(models.Model):
    """A filterable value of a document: a topic, region (and its ancestors), tag or author id."""

    class Facet(models.TextChoices):
        TOPIC = "topic", "Topic"
        REGION = "region", "Region"
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"

    # One letter per facet in SearchDocument.facet_keys.
    CODES = {Facet.TOPIC: "t", Facet.REGION: "r", Facet.TAG: "g", Facet.AUTHOR: "a"}
    FACET_OF_CODE = {code: facet for facet, code in CODES.items()}

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=8, choices=Facet.choices)
    value = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["document", "facet", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "value", "document"], name="search_facet_unique"
            )
        ]
        indexes = [
            models.Index(fields=["document", "facet", "value"], name="search_facet_document"),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"

    @classmethod
    def pack(cls, facets):
        """``SearchDocument.facet_keys`` for (facet, value) pairs: "a7 g12 r3 t5"."""
        return " ".join(sorted({f"{cls.CODES[facet]}{value}" for facet, value in facets}))

    @classmethod
    def unpack_key(cls, key):
        """(facet, value) of one packed key."""
        return cls.FACET_OF_CODE[key[0]], int(key[1:])


class TitleWord(models.Model):
    """One word of a document's folded title, for the suggestions box.

    The words that start with what a reader typed are one range of ``search_title_word_order``,
    read in the order suggestions are shown (titles that start with it, then by the word, then
    the newest), so a suggestion stops after a dozen visible rows however common the prefix.
    """

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="title_word_rows"
    )
    # Byte order on both databases ("BINARY" is SQLite's own; migration 0003 makes it on
    # PostgreSQL): a prefix is then one range of the index whatever the database's locale.
    word = models.CharField(max_length=100, db_collation="BINARY")
    first = models.BooleanField()
    # The document's publish time in epoch seconds (0 for none): newest first within a word.
    recency = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["first", "word", "-recency", "document"], name="search_title_word_order"
            )
        ]

    def __str__(self):
        return self.word

    @classmethod
    def rows_for(cls, document):
        """(word, first, recency) for each distinct word (or punctuation run) of a document's
        folded title; ``first`` for the title's first word."""
        published_at = document.published_at
        recency = int(published_at.timestamp()) if published_at else 0
        max_length = cls._meta.get_field("word").max_length
        tokens, first = title_tokens(document.title_words)
        rows = {(word[:max_length], i == first): recency for i, word in enumerate(tokens)}
        return [(word, is_first, recency) for (word, is_first), recency in rows.items()]


class SearchWord(models.Model):
    """A word of the indexed titles and how many titles hold it: the vocabulary "did you mean"
    corrects from, a few thousand rows where ``TitleWord`` has one per title and word.

    Kept by the index's writers (indexing.py); a word only unpublished titles hold may be here,
    so a correction is offered only when it finds something (spelling.py)."""

    word = models.CharField(max_length=100, db_collation="BINARY")
    titles = models.IntegerField()

    class Meta:
        # A constraint, not unique=True, which on PostgreSQL adds a second, pattern index.
        constraints = [models.UniqueConstraint(fields=["word"], name="search_word_unique")]

    def __str__(self):
        return self.word
