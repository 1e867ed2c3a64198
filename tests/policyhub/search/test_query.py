import re
import sqlite3

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policyhub.search.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    ParsedQuery,
    Term,
    parse_query,
    to_fts5,
    to_postgres,
    to_postgres_rank,
)

SYNONYMS = [{"dprk", "north korea"}, {"sanctions", "embargo"}, ["US", "U.S.", "United States"]]


def words(*terms: str) -> tuple[Term, ...]:
    return tuple(Term(tuple(t.split())) for t in terms)


def single_groups(query: ParsedQuery) -> list[str]:
    assert all(len(group) == 1 for group in query.groups), query.groups
    return [" ".join(group[0].words) for group in query.groups]


# --- parsing -------------------------------------------------------------------------------


def test_words_are_anded_and_lowercased():
    query = parse_query("Sanctions  Iran\tOil")
    assert single_groups(query) == ["sanctions", "iran", "oil"]
    assert query.excluded == ()
    assert not query.is_empty


def test_quoted_phrase():
    query = parse_query('trade "End of  War" talks')
    assert single_groups(query) == ["trade", "end of war", "talks"]
    assert query.groups[1][0].is_phrase
    assert not query.groups[0][0].is_phrase


def test_exclusion_of_word_and_phrase():
    query = parse_query('korea -nuclear -"missile test"')
    assert single_groups(query) == ["korea"]
    assert query.excluded == words("nuclear", "missile test")


def test_or_chain_and_lowercase_or_is_a_word():
    query = parse_query("sanctions OR embargo OR blockade iran or iraq")
    assert query.groups == (
        words("sanctions", "embargo", "blockade"),
        words("iran"),
        words("or"),
        words("iraq"),
    )


def test_dangling_or_is_dropped():
    assert parse_query("OR sanctions OR") == parse_query("sanctions")
    assert parse_query("a OR OR b").groups == (words("a", "b"),)
    assert parse_query("a -b OR c").groups == (words("a"), words("c"))


def test_unbalanced_quote_is_ignored():
    assert single_groups(parse_query('"end of war')) == ["end", "of", "war"]
    assert single_groups(parse_query('"a b" c "d')) == ["a b", "c", "d"]
    assert parse_query('-"x y').excluded == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(sanctions) (iran OR", ["sanctions", "iran"]),
        ("polic* *", ["polic"]),
        ("NEAR(a b, 3)", ["near a", "b", "3"]),
        ("title:korea ^x +y AND NOT z", ["title korea", "x", "y", "and", "not", "z"]),
    ],
)
def test_query_syntax_characters_become_plain_words(text, expected):
    assert single_groups(parse_query(text)) == expected


def test_control_characters_are_stripped():
    query = parse_query("iran\x00oil\x1b[31m\x7f")
    assert single_groups(query) == ["iran", "oil", "31m"]
    assert not re.search(r"[\x00-\x1f\x7f]", str(query))


def test_long_input_is_capped():
    query = parse_query("x" * 10_000)
    assert query.groups == (words("x" * MAX_QUERY_CHARS),)
    many = parse_query(" ".join(f"w{i}" for i in range(5_000)))
    assert single_groups(many) == [f"w{i}" for i in range(MAX_TERMS)]


@pytest.mark.parametrize(
    "text", ["", "   ", None, "😀🎉", "!!! ... ---", '"" ()', "-only", '-"a b"']
)
def test_queries_without_positive_terms_are_empty(text):
    query = parse_query(text)
    assert query.is_empty
    assert query.groups == ()
    assert to_fts5(query) == ""


def test_only_exclusion_keeps_the_excluded_term():
    query = parse_query("-nuclear")
    assert query.is_empty
    assert query.excluded == words("nuclear")


def test_other_scripts_are_kept():
    query = parse_query("한국 제재 Россия САНКЦИИ عقوبات 😀")
    assert single_groups(query) == ["한국", "제재", "россия", "санкции", "عقوبات"]


def test_punctuated_word_becomes_phrase():
    query = parse_query("l'état U.S. co-operation a.b")
    assert single_groups(query) == ["l état", "u s", "co operation", "a b"]
    assert all(group[0].is_phrase for group in query.groups)


def test_decomposed_accents_are_composed_not_split():
    assert single_groups(parse_query("E\u0301tat")) == ["état"]


def test_lowercasing_does_not_fold_eszett():
    # casefold() would give "strasse", which would not match the indexed "straße"
    assert single_groups(parse_query("STRASSE Straße İstanbul")) == [
        "strasse",
        "straße",
        "istanbul",
    ]


def test_duplicate_terms_are_collapsed():
    query = parse_query("iran Iran IRAN OR iran -oil -OIL")
    assert query.groups == (words("iran"),)
    assert query.excluded == words("oil")


def test_str_and_highlight_terms():
    query = parse_query('North Korea "end of war" -nuclear sanctions OR a.b', SYNONYMS)
    assert str(query) == (
        '("north korea" OR dprk) "end of war" (sanctions OR embargo OR "a b") -nuclear'
    )
    assert query.highlight_terms() == [
        "north", "korea", "dprk", "end", "of", "war", "sanctions", "embargo", "a", "b",
    ]  # fmt: skip


# --- synonyms ------------------------------------------------------------------------------


def test_single_word_synonym_becomes_group():
    query = parse_query("DPRK missiles", SYNONYMS)
    assert query.groups == (words("dprk", "north korea"), words("missiles"))


def test_two_word_run_synonym_becomes_group():
    query = parse_query("new North Korea talks", SYNONYMS)
    assert query.groups == (words("new"), words("north korea", "dprk"), words("talks"))


def test_synonym_prefers_longest_match():
    synonyms = [{"korea", "corea"}, {"north", "septentrional"}, {"north korea", "dprk"}]
    assert parse_query("north korea", synonyms).groups == (words("north korea", "dprk"),)
    assert parse_query("north sea", synonyms).groups == (
        words("north", "septentrional"),
        words("sea"),
    )
    assert parse_query("south korea", synonyms).groups == (
        words("south"),
        words("korea", "corea"),
    )


def test_synonyms_match_punctuated_words():
    query = parse_query("u.s. sanctions", SYNONYMS)
    assert query.groups == (
        words("u s", "united states", "us"),
        words("sanctions", "embargo"),
    )


def test_synonyms_not_applied_inside_user_phrases_exclusions_or_across_or():
    assert parse_query('"north korea" "dprk"', SYNONYMS).groups == (
        words("north korea"),
        words("dprk"),
    )
    assert parse_query("talks -dprk", SYNONYMS).excluded == words("dprk")
    # "north OR korea" is two alternatives, not the two-word term "north korea"
    assert parse_query("north OR korea", SYNONYMS).groups == (words("north", "korea"),)


def test_synonyms_apply_to_single_word_or_alternatives():
    query = parse_query("embargo OR blockade", SYNONYMS)
    assert query.groups == (words("embargo", "sanctions", "blockade"),)


def test_synonym_groups_are_ordered_deterministically():
    # Reader's wording first, then the rest sorted, whatever the set's iteration order.
    query = parse_query("united states", [["us", "u.s.", "united states"]])
    assert query.groups == (words("united states", "u s", "us"),)


def test_bad_synonym_entries_are_ignored():
    synonyms = ["dprk", {"north korea", None, "dprk", "", "!!"}, 42]
    assert parse_query("dprk", synonyms).groups == (words("dprk", "north korea"),)


# --- FTS5 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sanctions iran", '"sanctions" AND "iran"'),
        ('"end of war" -nuclear', '"end of war" NOT "nuclear"'),
        ('korea talks -nuclear -"x y"', '("korea" AND "talks") NOT "nuclear" NOT "x y"'),
        ("a OR b.c OR d", '("a" OR "b c" OR "d")'),
        ("a OR b -c", '("a" OR "b") NOT "c"'),
        ("a OR b c OR d e", '("a" OR "b") AND ("c" OR "d") AND "e"'),
        ('title:x NEAR(y) "z* OR', '"title x" AND "near y" AND "z"'),
        ("-nuclear", ""),
    ],
)
def test_to_fts5(text, expected):
    assert to_fts5(parse_query(text)) == expected


def test_to_fts5_doubles_quotes_in_hand_built_terms():
    query = ParsedQuery(groups=((Term(('say "hi"',)),),), excluded=(Term(("x", '"')),))
    assert to_fts5(query) == '"say ""hi""" NOT "x """'


def test_to_fts5_with_synonyms():
    query = parse_query("North Korea -nuclear", SYNONYMS)
    assert to_fts5(query) == '("north korea" OR "dprk") NOT "nuclear"'


ROWS = {
    1: ("Sanctions policy", "New sanctions on North Korea after the missile tests."),
    2: ("Trade embargo", "The embargo covers dual-use goods."),
    3: ("Peace talks", "Talks on an end of war declaration stalled."),
    4: ("Energy policies", "Nuclear energy policies in Europe."),
    5: ("DPRK missile launches", "Pyongyang launched another missile."),
    6: ("L'état de droit", "Réforme de l'État en France."),
    7: ("Fisheries", "Regional co-operation on fisheries."),
}


@pytest.fixture(scope="module")
def fts():
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)", [(k, *v) for k, v in ROWS.items()]
    )
    yield db
    db.close()


def search(db, text, synonyms=None):
    match = to_fts5(parse_query(text, synonyms))
    assert match, text
    return {row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sanctions korea", {1}),
        ("MISSILE", {1, 5}),
        ('"end of war"', {3}),
        ('"war of end"', set()),
        ("missile -pyongyang", {1}),
        ('missile -"north korea"', {5}),
        ("embargo OR peace", {2, 3}),
        ("embargo OR peace talks", {3}),
        ("missile korea OR pyongyang -tests", {5}),
        ("policies", {1, 4}),  # porter stemming: "policies" finds "policy"
        ("launch", {5}),
        ("l'etat", {6}),  # diacritics removed on both sides
        ("co-operation", {7}),
        ("cooperation", set()),
        ("(sanctions) korea*", {1}),
    ],
)
def test_fts5_round_trip(fts, text, expected):
    assert search(fts, text) == expected


def test_fts5_round_trip_with_synonyms(fts):
    assert search(fts, "north korea") == {1}
    assert search(fts, "north korea", SYNONYMS) == {1, 5}
    assert search(fts, "dprk", SYNONYMS) == {1, 5}
    assert search(fts, "sanctions -korea", SYNONYMS) == {2}  # "embargo" found via synonyms
    assert search(fts, "sanctions -dprk", SYNONYMS) == {1, 2}  # exclusions are not expanded


# --- fuzzing -------------------------------------------------------------------------------

SYNTAX = ['"', "(", ")", "*", ":", "-", "^", "+", "NEAR", "OR", "AND", "NOT", "\x00", '-"']
SYNTAX += [" ", " OR ", "\t", "a", "b", "é", "한", "😀"]
FRAGMENTS = st.sampled_from(SYNTAX) | st.text(st.characters(exclude_categories=()), max_size=6)
QUERIES = st.text(
    alphabet=st.characters(exclude_categories=()) | st.sampled_from('"()*:-^+ \x00'), max_size=300
) | st.lists(FRAGMENTS, max_size=60).map("".join)
HUGE = ["x" * 10_000, '"' * 10_000, "a OR " * 2_000, "-" * 10_000, "\x00" * 10_000, "😀" * 10_000]


@settings(max_examples=500, deadline=None)
@given(QUERIES)
@example(HUGE[0])
@example(HUGE[1])
@example(HUGE[2])
@example(HUGE[3])
@example(HUGE[4])
@example(HUGE[5])
def test_fuzz_fts5_never_breaks(fts, text):
    query = parse_query(text)
    user_terms = [t for group in query.groups for t in group] + list(query.excluded)
    assert len(user_terms) <= MAX_TERMS
    assert all(re.fullmatch(r"[^\W_]+", w) for t in user_terms for w in t.words)
    match = to_fts5(query)
    assert (match == "") == query.is_empty
    if match:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_fuzz_str_round_trips(text):
    query = parse_query(text)
    if len(str(query)) <= MAX_QUERY_CHARS:
        assert parse_query(str(query)) == query


@settings(max_examples=200, deadline=None)
@given(QUERIES, st.lists(st.lists(st.text(max_size=20), max_size=4), max_size=4))
def test_fuzz_synonyms_never_break(fts, text, synonyms):
    match = to_fts5(parse_query(text, synonyms))
    if match:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


# --- PostgreSQL ----------------------------------------------------------------------------


def describe(search_query) -> str:
    """Render a SearchQuery tree without a database connection."""
    if hasattr(search_query, "lhs"):
        lhs, rhs = describe(search_query.lhs), describe(search_query.rhs)
        return f"({lhs} {search_query.connector} {rhs})"
    config, value = search_query.get_source_expressions()
    negation = "!" if search_query.invert else ""
    return f"{negation}{search_query.function}({config.config.value}, {value.value})"


def test_to_postgres_empty_is_none():
    assert to_postgres(parse_query("")) is None
    assert to_postgres(parse_query("-nuclear")) is None


def test_to_postgres_builds_search_query():
    pytest.importorskip("psycopg")
    from django.contrib.postgres.search import CombinedSearchQuery, SearchQuery

    single = to_postgres(parse_query("Sanctions"), config="simple")
    assert isinstance(single, SearchQuery)
    assert describe(single) == "plainto_tsquery(simple, sanctions)"

    combined = to_postgres(parse_query('north korea "end of war" -nuclear -"a b"', SYNONYMS))
    assert isinstance(combined, CombinedSearchQuery)
    assert "Value('dprk')" in repr(combined)
    assert describe(combined) == (
        "((((phraseto_tsquery(english, north korea) || plainto_tsquery(english, dprk))"
        " && phraseto_tsquery(english, end of war))"
        " && !plainto_tsquery(english, nuclear)) && !phraseto_tsquery(english, a b))"
    )


@settings(max_examples=100, deadline=None)
@given(QUERIES)
def test_fuzz_to_postgres_never_raises(text):
    query = parse_query(text)
    assert (to_postgres(query) is None) == query.is_empty


def test_to_postgres_rank_ors_every_positive_word():
    pytest.importorskip("psycopg")
    assert to_postgres_rank(parse_query("-nuclear")) is None
    ranked = to_postgres_rank(parse_query('dprk "end of war" -nuclear', SYNONYMS))
    assert describe(ranked) == (
        "(((((plainto_tsquery(english, dprk) || plainto_tsquery(english, north))"
        " || plainto_tsquery(english, korea)) || plainto_tsquery(english, end))"
        " || plainto_tsquery(english, of)) || plainto_tsquery(english, war))"
    )
