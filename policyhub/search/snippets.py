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
        self.stems = {light_stem(term) for term in terms}
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

    def snippet(self, *texts):
        """A window of words around the first match in the first text that has one."""
        candidates = [text for text in texts if text]
        if not candidates:
            return ""
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
