"""A publication's page with the reader's aids: notes, contents, figures (rendering.py)."""

import re

import pytest

from tests.factories import (
    LibraryImageFactory,
    PageFactory,
    PolicyOptionFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_detail_shows_notes_contents_and_figures(client):
    image = LibraryImageFactory(alt="A falling line", caption="Exports", credit="KOTRA")
    publication = PublicationFactory(
        body=(
            "<h2>Background</h2><p>Claim<span data-footnote>First source.</span></p>"
            f'<figure data-image="{image.pk}"></figure>'
            "<h2>Options</h2><h3>Talks</h3><p>Second<span data-footnote>Other source.</span></p>"
        )
    )

    html = page(client, publication)

    # Contents twice (a side column, a collapsible block): the stylesheet shows one of them.
    assert 'class="publication publication--with-toc"' in html
    assert html.count('<a href="#background">Background</a>') == 2
    assert '<nav class="toc toc--side" aria-labelledby="contents-title">' in html
    assert '<details class="toc toc--block">' in html
    assert '<h2 id="background">Background</h2>' in html and '<h3 id="talks">Talks</h3>' in html
    # Notes: numbered references in the text, the notes after it, links both ways.
    assert html.index('id="note-ref-1"') < html.index('id="note-ref-2"') < html.index("Notes</h2>")
    assert '<li id="note-2">Other source. <a href="#note-ref-2" role="doc-backlink"' in html
    assert "data-footnote" not in html and "data-image" not in html
    # The figure, with its renditions and size.
    figure = re.search(r'<figure class="body-figure">.*?</figure>', html, re.S).group()
    assert 'alt="A falling line"' in figure and "srcset=" in figure and "width=" in figure
    assert '<figcaption>Exports <span class="credit">KOTRA</span></figcaption>' in figure


def test_no_contents_below_three_headings_and_no_notes_section_without_notes(client):
    html = page(client, PublicationFactory(body="<h2>One</h2><p>a</p><h2>Two</h2><p>b</p>"))

    assert "toc__list" not in html and "publication--with-toc" not in html
    assert 'role="doc-endnotes"' not in html
    assert '<h2 id="one">One</h2>' in html


def test_a_deleted_library_image_leaves_the_page_working(client):
    image = LibraryImageFactory()
    publication = PublicationFactory(body=f'<p>a</p><figure data-image="{image.pk}"></figure>')
    image.delete()

    html = page(client, publication)

    assert "body-figure" not in html and "<p>a</p>" in html


def test_an_image_change_shows_on_the_cached_page(client, settings):
    settings.DATA_CACHE_ENABLED = True
    image = LibraryImageFactory(caption="Old caption")
    publication = PublicationFactory(body=f'<figure data-image="{image.pk}"></figure>')
    assert "Old caption" in page(client, publication)

    image.caption = "New caption"
    image.save()

    assert "New caption" in page(client, publication)


@pytest.mark.parametrize(
    ("factory", "field"),
    [(PageFactory, "body"), (PolicyOptionFactory, "description")],
)
def test_other_rich_texts_show_their_notes_too(client, factory, field):
    obj = factory(**{field: "<p>Claim<span data-footnote>The source.</span></p>"})

    html = page(client, obj)

    assert 'href="#note-1"' in html and '<li id="note-1">The source.' in html
    assert "data-footnote" not in html
