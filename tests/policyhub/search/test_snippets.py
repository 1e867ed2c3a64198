"""Highlighting: everything escaped, matched words (and their light stems) marked."""

from policyhub.search import snippets
from policyhub.search.query import parse_query
from policyhub.search.snippets import Highlighter, PageFinder, light_stem


def test_stems_match_common_english_forms():
    assert light_stem("policies") == light_stem("policy")
    assert light_stem("sanctions") == light_stem("sanctioned") == light_stem("sanction")
    assert light_stem("measures") == light_stem("measure")


def test_highlight_escapes_then_marks():
    html = Highlighter(["policy"]).highlight("<b>Policies</b> & policy")
    assert html == "&lt;b&gt;<mark>Policies</mark>&lt;/b&gt; &amp; <mark>policy</mark>"


def test_snippet_is_a_window_around_the_first_match():
    text = " ".join(f"w{n}" for n in range(100)) + " target " + "tail " * 50
    snippet = Highlighter(["target"]).snippet("", text)
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>target</mark>" in snippet
    assert len(snippet.split()) < 40


def test_snippet_prefers_the_first_text_with_a_match():
    snippet = Highlighter(["grain"]).snippet("A summary.", "The grain harvest.")
    assert snippet == "The <mark>grain</mark> harvest."


def test_snippet_without_a_match_starts_at_the_beginning():
    assert Highlighter(["zzz"]).snippet("Short <summary>.", "Body") == "Short &lt;summary&gt;."
    assert Highlighter(["zzz"]).snippet("", "") == ""


def test_other_scripts_and_emoji_survive():
    html = Highlighter(["평화"]).highlight("평화 🕊️ <x>")
    assert html == "<mark>평화</mark> 🕊️ &lt;x&gt;"


def test_terms_spelling_an_entity_are_marked_as_words_only():
    # Words are found in the escaped text: "&amp;" must not yield a marked "amp".
    html = Highlighter(["amp", "quot"]).highlight('Amp & "quota" amps')
    assert html == "<mark>Amp</mark> &amp; &quot;quota&quot; <mark>amps</mark>"


def test_snippet_window_has_the_lead_words_and_stops_at_the_window():
    words = [f"w{n}" for n in range(60)]
    words[30] = "Policies"
    snippet = Highlighter(["policy"]).snippet("No match here.", " ".join(words))
    # Eight words before the match, the match, and the window's other 23 words after it.
    assert snippet == "… " + " ".join(words[22:30]) + " <mark>Policies</mark> " + (
        " ".join(words[31:54]) + " …"
    )


def test_snippet_keeps_the_text_whole_when_it_fits():
    text = "(Grain) prices rose."
    assert Highlighter(["grain"]).snippet(text) == "(<mark>Grain</mark>) prices rose."


def test_terms_outside_ascii_are_still_found():
    html = Highlighter(["Ökonomie"]).highlight("Die ökonomie, ÖKONOMIE.")
    assert html == "Die <mark>ökonomie</mark>, <mark>ÖKONOMIE</mark>."


def test_stop_words_are_not_marked_beside_other_words():
    html = Highlighter(["the", "grain", "of"]).highlight("The price of grain")
    assert html == "The price of <mark>grain</mark>"
    snippet = Highlighter(["the", "grain"]).snippet(" ".join(["the"] * 20 + ["grain"] * 2))
    assert snippet.startswith("… the the")  # the window opens at "grain", not at "the"


def test_a_query_of_stop_words_only_is_still_marked():
    assert Highlighter(["the"]).highlight("The end") == "<mark>The</mark> end"


def test_a_snippet_can_open_at_a_given_offset():
    text = "grain early. " + "filler " * 40 + "late grain here"
    snippet = Highlighter(["grain"]).snippet(text, at=text.index("late"))
    assert snippet.startswith("… ") and snippet.endswith("late <mark>grain</mark> here")


def finder(text):
    query = parse_query(text)
    return PageFinder(query, Highlighter(query.highlight_terms()))


def test_a_page_holds_a_phrase_only_with_its_words_in_order():
    find = finder('"grain corridor" of the north')
    assert find.is_complete(find.score("The north opened a grain corridor.")[0])
    assert not find.is_complete(find.score("The north: a corridor for grain.")[0])
    assert find.score("Nothing here of the sort.") is None


def test_word_order_is_checked_on_a_bounded_number_of_pages(monkeypatch):
    monkeypatch.setattr(snippets, "PHRASE_CHECKS", 2)
    find = finder('"grain corridor"')
    pages = ["corridor then grain"] * 3 + ["a grain corridor"]
    scores = [find.score(page)[0] for page in pages]
    # The fourth page is past the checks: judged by its words, never called complete.
    assert [find.is_complete(score) for score in scores] == [False] * 4
    assert find.phrase_checks == 0
