"""Rich text as readers get it (editorial/rendering.py): notes, heading ids, figures."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from policyhub.editorial.rendering import PAGE_IDS, render_rich_text
from policyhub.editorial.richtext import sanitize_html
from tests.factories import LibraryImageFactory


def rendered(html):
    """What a reader gets from HTML stored through the sanitiser."""
    return render_rich_text(sanitize_html(html))


# Footnotes ------------------------------------------------------------------------------------


def test_footnotes_become_numbered_references_and_notes_in_order():
    body = rendered(
        "<p>Sanctions<span data-footnote>UN Security Council resolution 2397.</span> and "
        "trade<span data-footnote>KOTRA, 2020.</span>.</p>"
    )

    assert [note.number for note in body.notes] == [1, 2]
    assert str(body.notes[0].html) == "UN Security Council resolution 2397."
    assert "UN Security Council" not in body.html
    assert body.html == (
        '<p>Sanctions<sup class="note-ref"><a href="#note-1" id="note-ref-1" '
        'role="doc-noteref"><span class="visually-hidden">Note </span>1</a></sup> and '
        'trade<sup class="note-ref"><a href="#note-2" id="note-ref-2" role="doc-noteref">'
        '<span class="visually-hidden">Note </span>2</a></sup>.</p>'
    )
    assert (body.notes[1].id, body.notes[1].ref_id) == ("note-2", "note-ref-2")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src=//evil.example></iframe>",
        '<span style="position:fixed" onclick="alert(1)">overlay</span>',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ],
)
def test_hostile_markup_in_a_note_comes_out_as_harmless_text(hostile):
    body = rendered(f"<p>Claim<span data-footnote>Source {hostile} end.</span></p>")

    note = str(body.notes[0].html)
    assert note.startswith("Source ") and note.endswith(" end.")
    assert "<" not in note.replace("&lt;", "")
    for marker in ("onerror", "javascript:", "<script", "<iframe", "onclick", "style="):
        assert marker not in note
        assert marker not in body.html


def test_web_addresses_in_a_note_are_linked():
    body = rendered("<p>A<span data-footnote>See https://www.38north.org/report.</span></p>")

    assert str(body.notes[0].html) == (
        'See <a href="https://www.38north.org/report" rel="nofollow">'
        "https://www.38north.org/report</a>."
    )


def test_an_empty_note_leaves_no_number():
    body = rendered("<p>Text<span data-footnote>  </span> more<span data-footnote>Real</span></p>")

    assert [str(note.html) for note in body.notes] == ["Real"]
    assert 'href="#note-1"' in body.html and "note-2" not in body.html


def test_a_note_inside_a_link_is_taken_out_of_it():
    # The editor lets a link cover a note; a link inside a link is invalid HTML.
    body = rendered(
        '<p><a href="https://example.org/r">the report<span data-footnote>N.</span> here</a></p>'
    )

    assert body.html == (
        '<p><a href="https://example.org/r">the report</a><sup class="note-ref">'
        '<a href="#note-1" id="note-ref-1" role="doc-noteref"><span class="visually-hidden">'
        'Note </span>1</a></sup><a href="https://example.org/r"> here</a></p>'
    )


def test_a_note_in_a_heading_stays_out_of_the_contents_text():
    body = rendered("<h2>Findings<span data-footnote>Method in annex.</span></h2>")

    assert body.headings[0].text == "Findings"
    assert body.headings[0].id == "findings"


def test_the_page_shows_notes_at_the_end_with_links_both_ways():
    from django.template.loader import render_to_string

    body = rendered("<p>Claim<span data-footnote>Source.</span></p>")
    html = render_to_string("includes/notes.html", {"notes": body.notes})

    assert 'role="doc-endnotes"' in html
    assert '<li id="note-1">Source. <a href="#note-ref-1" role="doc-backlink"' in html
    assert 'id="note-ref-1"' in body.html and 'href="#note-1"' in body.html


# Table of contents ---------------------------------------------------------------------------


def test_headings_get_ids_from_their_text_unique_and_the_same_each_time():
    html = sanitize_html(
        "<h2>Why it <em>matters</em></h2><h3>Costs</h3><h2>Costs</h2><h3>Costs</h3>"
        "<h2>Notes</h2><h2>Main</h2><h2>Note 1</h2><h2>!!!</h2><h4>Minor</h4>"
    )

    body = render_rich_text(html)

    ids = [heading.id for heading in body.headings]
    assert ids == [
        "why-it-matters",
        "costs",
        "costs-2",
        "costs-3",
        "notes",
        "main-2",  # "main" is the page's own landmark
        "note-1-2",  # "note-1" is the first footnote's id
        "section",
    ]
    assert len(set(ids)) == len(ids)
    assert [heading.level for heading in body.headings] == [2, 3, 2, 3, 2, 2, 2, 2]
    assert body.headings[0].text == "Why it matters"
    assert '<h2 id="why-it-matters">Why it <em>matters</em></h2>' in body.html
    assert "<h4>Minor</h4>" in body.html
    # Stable: rendering the stored text again (a later save of the same text) gives the same ids.
    assert render_rich_text(sanitize_html(html)).headings == body.headings


def test_an_edit_elsewhere_keeps_the_heading_ids():
    before = rendered("<h2>Background</h2><p>One.</p><h2>Options</h2><h3>Talks</h3>")
    after = rendered(
        "<p>New intro.</p><h2>Background</h2><p>Two.</p><h2>Options</h2><h3>Talks</h3>"
    )

    assert [h.id for h in before.headings] == [h.id for h in after.headings]


def test_contents_only_from_three_headings():
    assert rendered("<h2>One</h2><h2>Two</h2>").contents == ()
    assert len(rendered("<h2>One</h2><h2>Two</h2><h3>Three</h3>").contents) == 3


def test_contents_end_with_the_notes_when_there_are_some():
    body = rendered("<h2>One</h2><h2>Two</h2><h3>Three<span data-footnote>N.</span></h3>")

    assert [(h.id, h.text) for h in body.contents][-2:] == [
        ("three", "Three"),
        ("notes-title", "Notes"),
    ]
    assert [h.id for h in body.headings] == ["one", "two", "three"]


def test_page_ids_list_every_id_the_reader_templates_use():
    # A heading must never take an id the page around it has (a duplicate id breaks its links).
    used = set()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            if "admin" not in path.parts:
                used |= set(re.findall(r'\bid="([a-z][a-z0-9-]*)"', path.read_text()))
    assert used - PAGE_IDS == set()


# Figures --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_figure_shows_the_library_image_with_renditions_and_its_texts():
    image = LibraryImageFactory(caption="Exports <b>fell</b>", credit="KOTRA & partners")

    body = rendered(f'<p>Before</p><figure data-image="{image.pk}"></figure><p>After</p>')

    figure = re.search(r"<figure.*?</figure>", body.html, re.S).group()
    assert figure.startswith('<figure class="body-figure">')
    assert 'srcset="' in figure and " 960w" in figure and " 480w" in figure
    assert 'type="image/webp"' in figure
    assert 'width="960" height="640"' in figure
    assert f'alt="{image.alt}"' in figure
    assert "Exports &lt;b&gt;fell&lt;/b&gt;" in figure
    assert '<span class="credit">KOTRA &amp; partners</span>' in figure
    assert body.html.startswith("<p>Before</p>") and body.html.endswith("<p>After</p>")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reference",
    [
        '<figure data-image="999999"></figure>',  # deleted, or never there
        '<figure data-image="1 OR 1=1"></figure>',
        '<figure data-image="99999999999999999999999999"></figure>',
        '<figure data-image="-1"></figure>',
        '<figure data-image=""></figure>',
        '<figure data-image="1"><img src="javascript:alert(1)" onerror="x"></figure>',
    ],
)
def test_a_figure_that_names_no_image_shows_nothing(reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        body = rendered(f"<p>Before</p>{reference}<p>After</p>")

    assert body.html == "<p>Before</p><p>After</p>"


@pytest.mark.django_db
def test_a_figure_inside_a_heading_is_left_out():
    image = LibraryImageFactory()
    # Only an import can put it there (the editor's figure is a block); <figure> in <h2> is invalid.
    html = f'<h2>Title<figure data-image="{image.pk}"></figure></h2><p>a</p>'

    body = render_rich_text(html)

    assert body.html == '<h2 id="title">Title</h2><p>a</p>'


@pytest.mark.django_db
def test_figures_cost_one_query_however_many(django_assert_num_queries):
    images = LibraryImageFactory.create_batch(3)
    html = sanitize_html("".join(f'<figure data-image="{i.pk}"></figure>' for i in images))

    with django_assert_num_queries(1):
        body = render_rich_text(html)

    assert body.html.count('<figure class="body-figure">') == 3


def test_text_without_any_of_these_comes_out_unchanged():
    html = sanitize_html(
        '<p>A &amp; B &lt;tag&gt; <a href="https://example.org/?a=1&amp;b=2">link</a><br>'
        "line</p><ul><li>x</li></ul><table><tbody><tr><td>1</td></tr></tbody></table><hr>"
    )

    assert render_rich_text(html).html == html
    assert render_rich_text("").html == ""
