"""Citation formats for a publication: Chicago and APA text, BibTeX and RIS downloads.

Pure functions over plain values (a ``Work``), so every format is tested without a database.
Names are split into given names, a particle ("van", "de") and a family name: Chicago's
bibliography moves a lowercase particle after the given names ("Gogh, Vincent van"), APA keeps it
with the family name ("van Gogh, V."), BibTeX and RIS keep it in front of the family name.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

PARTICLES = {
    "al",
    "bin",
    "da",
    "das",
    "de",
    "del",
    "della",
    "der",
    "des",
    "di",
    "do",
    "dos",
    "du",
    "el",
    "la",
    "le",
    "op",
    "st.",
    "te",
    "ten",
    "ter",
    "van",
    "von",
    "zu",
}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Name:
    given: str = ""
    particle: str = ""
    family: str = ""
    suffix: str = ""

    @property
    def family_with_particle(self):
        return " ".join(part for part in (self.particle, self.family) if part)


@dataclass(frozen=True)
class Work:
    title: str
    url: str
    publisher: str
    authors: tuple = ()  # display names, in byline order
    published: date | None = None
    summary: str = ""
    keywords: tuple = ()
    is_report: bool = False
    pdf_url: str = ""  # the full text as a PDF, if there is one
    names: tuple = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "names", tuple(split_name(a) for a in self.authors if a.strip()))


def split_name(full_name):
    """ "Ludwig van Beethoven" → Name("Ludwig", "van", "Beethoven"); "Doe, Jane" is understood."""
    full_name = " ".join(full_name.split())
    if "," in full_name:
        family, _, rest = full_name.partition(",")
        rest_words = rest.split()
        suffix = ""
        if rest_words and rest_words[-1].lower() in SUFFIXES:
            suffix = rest_words.pop()
        family_words = family.split()
        particle = []
        while len(family_words) > 1 and family_words[0].lower() in PARTICLES:
            particle.append(family_words.pop(0))
        # "Gogh, Vincent van": a lowercase particle written after the given names.
        while len(rest_words) > 1 and rest_words[-1] in PARTICLES:
            particle.insert(0, rest_words.pop())
        return Name(" ".join(rest_words), " ".join(particle), " ".join(family_words), suffix)
    words = full_name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return Name(family=words[0], suffix=suffix)
    family = words.pop()
    # Lowercase words right before the family name are its particle ("Vincent van Gogh").
    particle = []
    while len(words) > 1 and words[-1].lower() in PARTICLES and words[-1].islower():
        particle.insert(0, words.pop())
    return Name(" ".join(words), " ".join(particle), family, suffix)


def initials(given):
    """ "Jean-Paul Marie" → "J.-P. M." """
    out = []
    for word in given.split():
        parts = [p for p in word.split("-") if p]
        out.append("-".join(f"{p[0]}." for p in parts))
    return " ".join(out)


def long_date(value):
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def _sentence(text):
    """End with a period unless the text already ends with punctuation."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


# Chicago (17th ed., bibliography entry)


def chicago_name(name, first):
    if first:
        inverted = name.family
        rest = " ".join(part for part in (name.given, name.particle) if part)
        if rest:
            inverted += f", {rest}"
        return f"{inverted}, {name.suffix}" if name.suffix else inverted
    direct = " ".join(p for p in (name.given, name.particle, name.family) if p)
    return f"{direct}, {name.suffix}" if name.suffix else direct


def chicago_authors(names):
    # More than ten authors: the first seven, then "et al." (CMOS 14.76).
    if len(names) > 10:
        shown = [chicago_name(n, i == 0) for i, n in enumerate(names[:7])]
        return ", ".join(shown) + ", et al."
    shown = [chicago_name(n, i == 0) for i, n in enumerate(names)]
    if len(shown) <= 1:
        return "".join(shown)
    if len(shown) == 2:
        return f"{shown[0]}, and {shown[1]}" if "," in shown[0] else f"{shown[0]} and {shown[1]}"
    return ", ".join(shown[:-1]) + f", and {shown[-1]}"


def chicago_parts(work):
    """(before the title, the title, after the title): the title is quoted, roman."""
    authors = chicago_authors(work.names)
    when = long_date(work.published) if work.published else "n.d."
    before = f"{_sentence(authors)} " if authors else ""
    title = f"“{_sentence(work.title)}”"
    after = f" {_sentence(f'{work.publisher}, {when}')} {work.url}."
    return before, title, after


def chicago(work):
    return "".join(chicago_parts(work))


# APA (7th ed., reference list)


def apa_name(name):
    family = name.family_with_particle
    given = initials(name.given)
    out = f"{family}, {given}" if given else family
    return f"{out}, {name.suffix}" if name.suffix else out


def apa_authors(names):
    shown = [apa_name(n) for n in names]
    if len(shown) > 20:
        # APA 9.8: the first nineteen, an ellipsis, then the last author.
        return ", ".join(shown[:19]) + ", . . . " + shown[-1]
    if len(shown) <= 1:
        return "".join(shown)
    if len(shown) == 2:
        return f"{shown[0]}, & {shown[1]}"
    return ", ".join(shown[:-1]) + f", & {shown[-1]}"


WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
# A word after these starts a new sentence or a subtitle, and keeps its capital (APA 6.17).
SENTENCE_BREAK_RE = re.compile(r"[:?!.—–]\s*$")


def _proper_nouns(text):
    """Words written with a capital inside a sentence of ``text``: names, as far as we can tell."""
    names = set()
    for sentence in re.split(r"[.?!:;]\s+", text):
        names.update(
            w.group() for w in list(WORD_RE.finditer(sentence))[1:] if w.group()[0].isupper()
        )
    return names


def sentence_case(title, summary=""):
    """APA's sentence case for a title written in title case: "Engaging North Korea: A New Start"
    → "Engaging North Korea: A new start", keeping the first word, the first after a colon,
    acronyms ("US"), mixed case ("McCarthy") and the names the summary capitalises ("North").
    A title with a lowercase long word is taken as written: the editor chose sentence case."""
    words = list(WORD_RE.finditer(title))
    later = [w.group() for w in words[1:] if len(w.group()) > 3]
    if not later or not all(word[0].isupper() for word in later):
        return title
    keep = _proper_nouns(summary)
    out, position = [], 0
    for index, found in enumerate(words):
        word = found.group()
        starts = index == 0 or SENTENCE_BREAK_RE.search(title[position : found.start()])
        plain = word[:1].isupper() and word[1:] == word[1:].lower()
        if plain and not starts and word not in keep:
            word = word.lower()
        out.append(title[position : found.start()] + word)
        position = found.end()
    return "".join(out) + title[position:]


def apa_parts(work):
    """(before the title, the title, after the title): the title is italic, in sentence case,
    and the period that ends it stands outside the italics."""
    if not work.published:
        when = "(n.d.)"
    elif work.is_report:
        when = f"({work.published.year})"  # APA 10.4: reports give the year alone
    else:
        when = f"({work.published.year}, {MONTHS[work.published.month - 1]} {work.published.day})"
    title = sentence_case(work.title.strip(), work.summary)
    end = "" if title.endswith((".", "?", "!")) else "."
    authors = apa_authors(work.names)
    if authors:
        # Initials already end with a period: no second one.
        before = f"{authors if authors.endswith('.') else authors + '.'} {when}. "
        return before, title, f"{end} {work.publisher}. {work.url}"
    # No author: the title moves to the author's place (APA 9.12).
    return "", title, f"{end} {when}. {work.publisher}. {work.url}"


def apa(work):
    return "".join(apa_parts(work))


def as_html(parts, tag):
    """The parts of a citation with the title wrapped in ``tag`` ("em" for APA, "" for none)."""
    before, title, after = parts
    if not tag:
        return conditional_escape("".join(parts))
    return format_html("{}<{}>{}</{}>{}", before, mark_safe(tag), title, mark_safe(tag), after)


# BibTeX

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIBTEX_SPECIAL_RE = re.compile(r"[\\{}%&$#_~^]")


def bibtex_escape(value):
    value = " ".join(value.split())  # a newline inside a field value breaks some readers
    return BIBTEX_SPECIAL_RE.sub(lambda m: BIBTEX_SPECIALS[m.group()], value)


def _ascii_word(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


STOP_WORDS = {"a", "an", "the", "on", "of", "in", "and", "for", "to", "why", "how", "what"}


def bibtex_key(work):
    """Stable for the same work: first author's family name, year, first significant title word."""
    who = _ascii_word(work.names[0].family) if work.names else ""
    year = str(work.published.year) if work.published else "nd"
    words = [_ascii_word(w) for w in work.title.split()]
    words = [w for w in words if w and w not in STOP_WORDS] or ["untitled"]
    return f"{who or _ascii_word(work.publisher) or 'anon'}{year}{words[0]}"


def bibtex(work):
    def person(name):
        family = name.family_with_particle
        if name.suffix:
            return f"{family}, {name.suffix}, {name.given}"
        return f"{family}, {name.given}" if name.given else family

    fields = []
    if work.names:
        fields.append(("author", " and ".join(bibtex_escape(person(n)) for n in work.names)))
    # Double braces keep the title's capitals as written.
    fields.append(("title", "{" + bibtex_escape(work.title) + "}"))
    if work.is_report:
        fields.append(("institution", bibtex_escape(work.publisher)))
    else:
        fields.append(("howpublished", bibtex_escape(work.publisher)))
    if work.published:
        fields.append(("year", str(work.published.year)))
        fields.append(("month", MONTHS[work.published.month - 1][:3].lower()))
        fields.append(("date", work.published.isoformat()))
    fields.append(("url", work.url))
    if work.pdf_url:
        # JabRef's file field (description:location:type, colons escaped), which Zotero and
        # JabRef read as an attachment.
        fields.append(("file", f"Full text:{work.pdf_url.replace(':', chr(92) + ':')}:PDF"))
    if work.summary:
        fields.append(("abstract", bibtex_escape(work.summary)))
    if work.keywords:
        fields.append(("keywords", bibtex_escape(", ".join(work.keywords))))
    entry_type = "techreport" if work.is_report else "misc"
    lines = [f"@{entry_type}{{{bibtex_key(work)},"]
    for name, value in fields:
        # Month macros ("jan") are bare words; everything else is braced.
        lines.append(f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


# RIS

RIS_ILLEGAL = re.compile(r"[\r\n]+")


def ris(work):
    def line(tag, value):
        return f"{tag}  - {RIS_ILLEGAL.sub(' ', value).strip()}"

    def person(name):
        family = name.family_with_particle
        parts = [family, name.given, name.suffix]
        return ", ".join(part for part in parts if part)

    lines = [line("TY", "RPRT" if work.is_report else "ELEC")]
    lines += [line("AU", person(n)) for n in work.names]
    lines.append(line("TI", work.title))
    if work.published:
        lines.append(line("PY", str(work.published.year)))
        lines.append(line("DA", work.published.strftime("%Y/%m/%d")))
    lines.append(line("PB", work.publisher))
    lines.append(line("UR", work.url))
    if work.pdf_url:
        lines.append(line("L1", work.pdf_url))  # RIS's link to the full-text file
    if work.summary:
        lines.append(line("AB", work.summary))
    lines += [line("KW", keyword) for keyword in work.keywords]
    lines.append("ER  - ")
    # The RIS specification ends lines with CR LF.
    return "\r\n".join(lines) + "\r\n"
