"""Highlighting: everything escaped, matched words (and their light stems) marked."""

from policyhub.search.snippets import Highlighter, light_stem


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
