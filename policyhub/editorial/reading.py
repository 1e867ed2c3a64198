"""Word counts and reading times of rich text, for readers and editors."""

import math
import re

from django.utils.html import strip_tags

# "North Korea's", "sanctions-relief" and "2,500" each count as one word.
WORD = re.compile(r"\w+(?:[’'.,-]\w+)*")
# A common figure for adults reading non-fiction on screen.
WORDS_PER_MINUTE = 230


def word_count(html):
    # Block ends become spaces, so words in adjacent paragraphs or cells are not run together.
    text = strip_tags(re.sub(r"<(?:/p|br|/li|/h\d|/td|/th)[^>]*>", " ", html or ""))
    return len(WORD.findall(text))


def reading_minutes(words):
    """Whole minutes, at least one for any text at all."""
    return math.ceil(words / WORDS_PER_MINUTE) if words else 0
