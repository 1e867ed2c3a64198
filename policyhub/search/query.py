"""Turn what a reader types into the search box into a safe, structured query.

The reader-facing language is deliberately small: words (AND), "quoted phrases", -exclusions
(of a word or a phrase) and uppercase ``OR`` between terms. Anything else is treated as plain
words, so no input can smuggle FTS5 or tsquery syntax through: every term we emit is made only
of word characters and is always quoted (FTS5) or bound as a parameter (PostgreSQL).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Only for annotations: the module must import without psycopg.
    from django.contrib.postgres.search import SearchQuery

MAX_QUERY_CHARS = 256
MAX_TERMS = 12

# Underscore is left out because FTS5's unicode61 tokenizer treats it as a separator.
_PIECE_RE = re.compile(r"[^\W_]+")
# A balanced quoted phrase (optionally negated), else a bare word. A '"' with no partner
# matches the last alternative on its own, and is then dropped.
_TOKEN_RE = re.compile(r'(?P<neg>-*)"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)|"')


@dataclass(frozen=True)
class Term:
    """One word or one phrase, as lower-cased word pieces."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def __str__(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Term, ...], ...]  # AND of groups; each group is an OR of terms
    excluded: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def highlight_terms(self) -> list[str]:
        """Every distinct positive word, synonyms included, in query order."""
        return list(dict.fromkeys(w for group in self.groups for t in group for w in t.words))

    def __str__(self) -> str:
        parts = [
            str(group[0]) if len(group) == 1 else "(" + " OR ".join(map(str, group)) + ")"
            for group in self.groups
        ]
        parts += [f"-{term}" for term in self.excluded]
        return " ".join(parts)


@dataclass(frozen=True)
class _Token:
    term: Term
    negated: bool
    quoted: bool  # the reader quoted it, so synonyms must leave it alone


_OR = object()  # marker for an uppercase OR operator in the token stream


def _pieces(text: str) -> tuple[str, ...]:
    # lower() rather than casefold(): casefold turns "ß" into "ss", which FTS5 and PostgreSQL
    # would then fail to match against the indexed "ß". Lower-casing can add combining marks
    # ("İ" -> "i" + U+0307); dropping them keeps the piece whole, as the tokenizer does.
    lowered = ("".join(_PIECE_RE.findall(piece.lower())) for piece in _PIECE_RE.findall(text))
    return tuple(piece for piece in lowered if piece)


def _key(term: Term) -> tuple[str, ...]:
    return tuple(word.casefold() for word in term.words)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text[:MAX_QUERY_CHARS])
    # Control, format, surrogate and unassigned characters become spaces: they never belong
    # in a term, and NUL or lone surrogates would upset the database drivers.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _tokenize(text: str) -> list[_Token | object]:
    tokens: list[_Token | object] = []
    term_count = 0
    for match in _TOKEN_RE.finditer(text):
        phrase, word = match["phrase"], match["word"]
        if word == "OR":
            tokens.append(_OR)
            continue
        if phrase is not None:
            negated, raw, quoted = bool(match["neg"]), phrase, True
        elif word is not None:
            negated, raw, quoted = word.startswith("-"), word.lstrip("-"), False
        else:
            continue  # an unmatched quote
        pieces = _pieces(raw)
        if not pieces:
            continue
        tokens.append(_Token(Term(pieces), negated, quoted))
        term_count += 1
        if term_count >= MAX_TERMS:
            break
    return tokens


def _synonym_index(synonyms: Iterable[Iterable[str]] | None) -> dict[tuple[str, ...], list[Term]]:
    index: dict[tuple[str, ...], list[Term]] = {}
    for group in synonyms or ():
        if isinstance(group, str) or not isinstance(group, Iterable):
            continue  # a bare string would otherwise be read as a group of single letters
        terms = [Term(p) for s in group if isinstance(s, str) and (p := _pieces(s))]
        for term in terms:
            bucket = index.setdefault(_key(term), [])
            bucket.extend(t for t in terms if t not in bucket)
    return index


def _expand(term: Term, index: dict[tuple[str, ...], list[Term]]) -> list[Term]:
    # The reader's own wording first, then the rest sorted: synonym groups are often sets,
    # whose iteration order changes between processes.
    others = [t for t in index.get(_key(term), ()) if _key(t) != _key(term)]
    return [term, *sorted(others, key=lambda t: t.words)]


def _apply_synonyms(
    groups: list[list[_Token]], index: dict[tuple[str, ...], list[Term]]
) -> list[list[Term]]:
    result: list[list[Term]] = []
    run: list[Term] = []  # consecutive unquoted single-term groups, matched as word sequences

    def flush_run() -> None:
        start = 0
        while start < len(run):
            for end in range(len(run), start, -1):  # longest match first
                joined = Term(tuple(w for t in run[start:end] for w in t.words))
                if _key(joined) in index:
                    result.append(_expand(joined, index))
                    start = end
                    break
            else:
                result.append([run[start]])
                start += 1
        run.clear()

    for group in groups:
        if len(group) == 1 and not group[0].quoted:
            run.append(group[0].term)
            continue
        flush_run()
        alternatives: list[Term] = []
        for token in group:
            found = not token.quoted and _key(token.term) in index
            alternatives += _expand(token.term, index) if found else [token.term]
        result.append(alternatives)
    flush_run()
    return result


def _dedupe(terms: Iterable[Term]) -> tuple[Term, ...]:
    unique: dict[tuple[str, ...], Term] = {}
    for term in terms:
        unique.setdefault(_key(term), term)
    return tuple(unique.values())


def parse_query(text: str | None, synonyms: Iterable[Iterable[str]] | None = None) -> ParsedQuery:
    """Parse search-box text; never raises, whatever the text."""
    if not isinstance(text, str):
        return ParsedQuery(groups=())
    groups: list[list[_Token]] = []
    excluded: list[Term] = []
    or_pending = False
    after_positive = False  # an OR only joins two positive terms; elsewhere it is dropped
    for token in _tokenize(_clean(text)):
        if token is _OR:
            or_pending = after_positive
        elif token.negated:
            excluded.append(token.term)
            or_pending = after_positive = False
        else:
            if or_pending:
                groups[-1].append(token)
            else:
                groups.append([token])
            or_pending, after_positive = False, True
    term_groups = _apply_synonyms(groups, _synonym_index(synonyms))
    unique_groups = dict.fromkeys(_dedupe(group) for group in term_groups)
    return ParsedQuery(groups=tuple(unique_groups), excluded=_dedupe(excluded))


def synonyms_applied(text: str | None, synonyms: Iterable[Iterable[str]] | None) -> list[str]:
    """The editors' synonyms that a search for ``text`` also looked for, as the reader would
    type them: what the query holds with the synonyms and not without."""
    # The reader's words in order: a synonym may have matched several of them as one term.
    own = " " + " ".join(" ".join(_key(t)) for g in parse_query(text).groups for t in g) + " "
    # Shown as the editors wrote them ("People's", not the indexed pieces "people s").
    written = {
        _key(Term(pieces)): synonym.strip()
        for group in synonyms or ()
        if not isinstance(group, str)
        for synonym in group
        if isinstance(synonym, str) and (pieces := _pieces(synonym))
    }
    return [
        written.get(_key(term), " ".join(term.words))
        for group in parse_query(text, synonyms).groups
        for term in group
        if f" {' '.join(_key(term))} " not in own
    ]


def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def to_fts5(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression, or "" for an empty query (which callers must not run)."""
    if query.is_empty:
        return ""
    # Explicit AND: FTS5's implicit AND (juxtaposition) is a syntax error next to a bracket.
    positive = " AND ".join(
        _fts5_term(group[0]) if len(group) == 1 else "(" + " OR ".join(map(_fts5_term, group)) + ")"
        for group in query.groups
    )
    if not query.excluded:
        return positive
    # FTS5's NOT is binary and binds tighter than AND/OR, so a multi-group positive part is
    # bracketed to make all of it the left operand.
    if len(query.groups) > 1:
        positive = f"({positive})"
    return positive + "".join(f" NOT {_fts5_term(term)}" for term in query.excluded)


def to_postgres(query: ParsedQuery, config: str = "english") -> SearchQuery | None:
    """A Django SearchQuery for PostgreSQL full-text search, or None for an empty query."""
    if query.is_empty:
        return None
    from django.contrib.postgres.search import SearchQuery

    def term_query(term: Term) -> SearchQuery:
        search_type = "phrase" if term.is_phrase else "plain"
        return SearchQuery(" ".join(term.words), search_type=search_type, config=config)

    ored = [reduce(lambda a, b: a | b, map(term_query, group)) for group in query.groups]
    combined = reduce(lambda a, b: a & b, ored)
    for term in query.excluded:
        combined = combined & ~term_query(term)
    return combined


def to_postgres_rank(query: ParsedQuery, config: str = "english") -> SearchQuery | None:
    """Every positive word ORed: what PostgreSQL ranks by (matching uses ``to_postgres``).

    ts_rank scores an AND query by the distances between every pair of the words' positions,
    which for two common words in a long body cost ~7 µs a document (690 ms for 100,000
    matches); for an OR query it sums weighted occurrences per word, linear and ~30 times
    cheaper. That is also how FTS5's bm25 ranks (per-word frequencies, no proximity), so both
    backends now rank alike. Title/meta/body weights apply the same either way.
    """
    if query.is_empty:
        return None
    from django.contrib.postgres.search import SearchQuery

    words = [
        SearchQuery(word, search_type="plain", config=config) for word in query.highlight_terms()
    ]
    return reduce(lambda a, b: a | b, words)
