"""Highlighted titles and snippets, built from the stored plain text.

Everything is escaped first and only our own <mark> tags are added, so the result is safe
whatever the text holds. Matching is a light, English-ish stem comparison ("policies" marks
"policy"): it only decides what is marked; which documents match is the database's stemmer.
"""

import re
from functools import lru_cache

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


class Highlighter:
    def __init__(self, terms):
        self.stems = {light_stem(term) for term in terms}

    def _is_match(self, word):
        return light_stem(word) in self.stems

    def _render(self, text, words):
        parts, position = [], 0
        for found in words:
            parts.append(escape(text[position : found.start()]))
            word = escape(found.group())
            parts.append(f"<mark>{word}</mark>" if self._is_match(found.group()) else word)
            position = found.end()
        parts.append(escape(text[position:]))
        return "".join(parts)

    def highlight(self, text):
        return mark_safe(self._render(text, WORD_RE.finditer(text)))  # _render escapes every piece

    def snippet(self, *texts):
        """A window of words around the first match in the first text that has one."""
        candidates = [text for text in texts if text]
        if not candidates:
            return ""
        for text in candidates:
            words = list(WORD_RE.finditer(text))
            first = next((i for i, w in enumerate(words) if self._is_match(w.group())), None)
            if first is not None:
                break
        else:
            text, first = candidates[0], 0
            words = list(WORD_RE.finditer(text))
        if not words:
            return ""
        start = max(0, first - LEAD_WORDS)
        end = min(len(words), start + SNIPPET_WORDS)
        # Whole text at either end, so leading or closing punctuation is kept.
        piece_start = words[start].start() if start > 0 else 0
        piece_end = words[end - 1].end() if end < len(words) else len(text)
        piece = text[piece_start:piece_end]
        html = self._render(piece, WORD_RE.finditer(piece))
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(words) else ""
        return mark_safe(prefix + html + suffix)  # _render escapes every piece
