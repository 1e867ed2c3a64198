"""Highlighted titles and snippets, built from the stored plain text.

Everything is escaped first and only our own <mark> tags are added, so the result is safe
whatever the text holds. Matching is a light, English-ish stem comparison ("policies" marks
"policy"): it only decides what is marked; which documents match is the database's stemmer.
"""

import re
from collections import deque
from functools import lru_cache
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import mark_safe

WORD_RE = re.compile(r"\w+")
SNIPPET_WORDS = 32
LEAD_WORDS = 8


@lru_cache(maxsize=8192)
def light_stem(word):
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


# PostgreSQL's English stop words (Snowball's list). Its full-text search leaves them out of a
# query, FTS5 finds them anywhere in an item: either way they tell nothing about where a match
# is, so they are not marked, not looked for on a document's pages, and snippets do not start
# at them, unless a query holds nothing else.
_STOP_WORDS = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing don down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def content_words(words):
    """The words of a query that carry its meaning: all but stop words, or all if none is left."""
    kept = [word for word in words if word.lower() not in STOP_WORDS]
    return kept or list(words)


# What escape() writes (html.escape with quotes): skipped whole, so that a term such as "amp"
# is never marked inside one.
ENTITY = r"&(?:amp|lt|gt|quot|#x27);"


class Highlighter:
    """Marks the words whose light stem is one of the terms'.

    Each word light_stem() maps to a stem starts with the stem less its last letter ("policies"
    → "policy"), so a regular expression for those beginnings finds the only words worth
    stemming: a snippet's body text is scanned in C, not word by word in Python.
    """

    def __init__(self, terms):
        self.stems = {light_stem(term) for term in content_words(terms)}
        beginnings = sorted({stem[:-1] or stem for stem in self.stems}, key=len, reverse=True)
        # Lower-casing can turn a non-ASCII letter into several characters; for those stems
        # every word is a candidate (no beginnings to look for).
        if beginnings and all(beginning.isascii() for beginning in beginnings):
            words = "|".join(re.escape(beginning) for beginning in beginnings)
            self._candidates = re.compile(rf"(?<!\w)(?:{words})\w*", re.IGNORECASE)
        else:
            self._candidates = WORD_RE
        self._marked = re.compile(rf"{ENTITY}|{self._candidates.pattern}", self._candidates.flags)

    def _is_match(self, word):
        return light_stem(word) in self.stems

    def _first_match(self, text):
        return next(
            (found for found in self._candidates.finditer(text) if self._is_match(found.group())),
            None,
        )

    def matches(self, text):
        """True if a word of ``text`` would be marked."""
        return self._first_match(text) is not None

    def first_offsets(self, text):
        """{stem: offset of its first marked word in ``text``}, for the words marked."""
        first = {}
        for found in self._candidates.finditer(text):
            stem = light_stem(found.group())
            if stem in self.stems:
                first.setdefault(stem, found.start())
        return first

    def _render(self, text):
        def mark(found):
            word = found.group()
            if word[0] == "&" or not self._is_match(word):
                return word
            return f"<mark>{word}</mark>"

        # Escaping leaves words as they are (it only rewrites &<>"'), so words are found in the
        # escaped text, outside the entities.
        return self._marked.sub(mark, escape(text))

    def highlight(self, text):
        return mark_safe(self._render(text))  # _render escapes the text first

    def snippet(self, *texts, at=None):
        """A window of words around the first match in the first text that has one, or around
        the offset ``at`` of the first text."""
        candidates = [text for text in texts if text]
        if not candidates:
            return ""
        if at is not None:
            text, position = texts[0], at
        else:
            for text in candidates:
                found = self._first_match(text)
                if found is not None:
                    break
            else:
                text, found = candidates[0], None
            position = found.start() if found is not None else 0
        # The words before the match: up to LEAD_WORDS shown, one more tells there are others.
        before = deque(WORD_RE.finditer(text, 0, position), maxlen=LEAD_WORDS + 1)
        at_start = len(before) <= LEAD_WORDS
        lead = list(before)[-LEAD_WORDS:] if LEAD_WORDS else []
        wanted = SNIPPET_WORDS - len(lead)
        rest = list(islice(WORD_RE.finditer(text, position), wanted + 1))
        at_end = len(rest) <= wanted
        shown = lead + rest[:wanted]
        if not shown:
            return ""
        # Whole text at either end, so leading or closing punctuation is kept.
        piece_start = 0 if at_start else shown[0].start()
        piece_end = len(text) if at_end else shown[-1].end()
        html = self._render(text[piece_start:piece_end])
        prefix = "" if at_start else "… "
        suffix = "" if at_end else " …"
        return mark_safe(prefix + html + suffix)  # _render escapes the text first


# Checking a phrase's word order reads every word of a page in Python (about 3 ms a page of
# 3,000 words); a search does it on this many pages at most, the rest are judged by which of
# the query's words they hold, found by a regular expression.
PHRASE_CHECKS = 40


class PageFinder:
    """Where on a page of text a query is best seen: the page that holds the most of its groups
    (a phrase as its words in order, stop words aside), then the most of its words.

    What matched is the database's decision; this only points the reader at a page, with the
    same light stems the highlighter marks.
    """

    def __init__(self, query, highlighter):
        self.highlighter = highlighter
        groups = [
            [tuple(light_stem(w) for w in words) for t in group if (words := _meaningful(t.words))]
            for group in query.groups
        ]
        self.groups = [group for group in groups if group]
        self.skipped = STOP_WORDS
        if not self.groups:  # a query of stop words only: look for them after all
            self.groups = [[tuple(map(light_stem, t.words)) for t in g] for g in query.groups]
            self.skipped = frozenset()
        self.stems = {stem for group in self.groups for term in group for stem in term}
        self.has_phrases = any(len(term) > 1 for group in self.groups for term in group)
        self.phrase_checks = PHRASE_CHECKS

    def is_complete(self, score):
        return score[0] == len(self.groups)

    def score(self, text):
        """A score (groups found, words found) and the offset where the match starts, or
        None when the page holds none of the words."""
        first = self.highlighter.first_offsets(text)
        present = [first[stem] for stem in self.stems if stem in first]
        if not present:
            return None
        starts = [
            min(first[stem] for stem in term)
            for group in self.groups
            for term in group
            if all(stem in first for stem in term)
        ]
        groups = sum(
            any(all(stem in first for stem in term) for term in group) for group in self.groups
        )
        if groups == len(self.groups) and self.has_phrases:
            if self.phrase_checks <= 0:
                return (groups - 1, len(present)), min(starts)
            self.phrase_checks -= 1
            return self._in_order(text, len(present))
        return (groups, len(present)), min(starts or present)

    def _in_order(self, text, present):
        words = [
            (light_stem(found.group()), found.start())
            for found in WORD_RE.finditer(text)
            if found.group().lower() not in self.skipped
        ]
        stems = [stem for stem, _ in words]
        first = {}
        for index, stem in enumerate(stems):
            first.setdefault(stem, index)
        groups, starts = 0, []
        for group in self.groups:
            found = [index for term in group if (index := _find(term, stems, first)) is not None]
            if found:
                groups += 1
                starts.append(min(found))
        if starts:
            return (groups, present), words[min(starts)][1]
        return (groups, present), min((at for stem, at in words if stem in self.stems), default=0)


def _meaningful(words):
    return tuple(word for word in words if word.lower() not in STOP_WORDS)


def _find(term, stems, first):
    """The index in ``stems`` where ``term`` (a tuple of stems) first appears in order."""
    start = first.get(term[0])
    if start is None or len(term) == 1:
        return start
    size = len(term)
    for index in range(start, len(stems) - size + 1):
        if stems[index] == term[0] and tuple(stems[index : index + size]) == term:
            return index
    return None
