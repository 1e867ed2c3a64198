from datetime import date

import pytest
from django.urls import reverse

from publications.citations import (
    Name,
    Work,
    apa,
    apa_parts,
    as_html,
    bibtex,
    bibtex_escape,
    bibtex_key,
    chicago,
    initials,
    ris,
    sentence_case,
    split_name,
)
from tests.factories import PersonFactory, PublicationFactory, PublicationTypeFactory

URL = "https://example.org/publications/sanctions/"


def work(authors=(), published=date(2026, 3, 4), **kwargs):
    return Work(
        title=kwargs.pop("title", "Sanctions and relief"),
        url=URL,
        publisher="PolicyHub",
        authors=authors,
        published=published,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("name", "given", "particle", "family", "suffix"),
    [
        ("Ana Ruiz", "Ana", "", "Ruiz", ""),
        ("Plato", "", "", "Plato", ""),
        ("Vincent van Gogh", "Vincent", "van", "Gogh", ""),
        ("Charles de  Gaulle", "Charles", "de", "Gaulle", ""),
        ("Ludwig van der Berg", "Ludwig", "van der", "Berg", ""),
        ("Martin Luther King Jr.", "Martin Luther", "", "King", "Jr."),
        ("Gogh, Vincent van", "Vincent", "van", "Gogh", ""),
        ("van Gogh, Vincent", "Vincent", "van", "Gogh", ""),
        # A capitalised "Van" is part of the family name as the person writes it.
        ("Dick Van Dyke", "Dick Van", "", "Dyke", ""),
    ],
)
def test_names_are_split_into_given_particle_family_and_suffix(
    name, given, particle, family, suffix
):
    assert split_name(name) == Name(given, particle, family, suffix)


def test_initials_keep_hyphens():
    assert initials("Jean-Paul Marie") == "J.-P. M."


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ((), "“Sanctions and relief.” PolicyHub, March 4, 2026. " + URL + "."),
        (
            ("Ana Ruiz",),
            "Ruiz, Ana. “Sanctions and relief.” PolicyHub, March 4, 2026. " + URL + ".",
        ),
        (
            ("Ana Ruiz", "Li Wei"),
            "Ruiz, Ana, and Li Wei. “Sanctions and relief.” PolicyHub, March 4, 2026. " + URL + ".",
        ),
        (
            ("Ana Ruiz", "Li Wei", "Vincent van Gogh"),
            "Ruiz, Ana, Li Wei, and Vincent van Gogh. “Sanctions and relief.” PolicyHub, "
            "March 4, 2026. " + URL + ".",
        ),
        (
            ("Vincent van Gogh", "Martin Luther King Jr."),
            "Gogh, Vincent van, and Martin Luther King, Jr. “Sanctions and relief.” PolicyHub, "
            "March 4, 2026. " + URL + ".",
        ),
    ],
)
def test_chicago(authors, expected):
    assert chicago(work(authors)) == expected


def test_chicago_lists_seven_then_et_al_above_ten_authors():
    authors = tuple(f"Given{n} Family{n}" for n in range(11))

    text = chicago(work(authors))

    assert text.startswith("Family0, Given0, Given1 Family1, ")
    assert "Given6 Family6, et al. “Sanctions" in text
    assert "Family7" not in text


def test_chicago_without_a_date_and_with_a_question_title():
    assert chicago(work(("Ana Ruiz",), published=None, title="Why engage?")) == (
        f"Ruiz, Ana. “Why engage?” PolicyHub, n.d. {URL}."
    )


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ((), f"Sanctions and relief. (2026, March 4). PolicyHub. {URL}"),
        (("Ana Ruiz",), f"Ruiz, A. (2026, March 4). Sanctions and relief. PolicyHub. {URL}"),
        (
            ("Ana Ruiz", "Li Wei"),
            f"Ruiz, A., & Wei, L. (2026, March 4). Sanctions and relief. PolicyHub. {URL}",
        ),
        (
            ("Ana Ruiz", "Li Wei", "Vincent van Gogh"),
            f"Ruiz, A., Wei, L., & van Gogh, V. (2026, March 4). Sanctions and relief. "
            f"PolicyHub. {URL}",
        ),
        (
            ("Martin Luther King Jr.", "Jean-Paul Sartre"),
            f"King, M. L., Jr., & Sartre, J.-P. (2026, March 4). Sanctions and relief. "
            f"PolicyHub. {URL}",
        ),
        (("Plato",), f"Plato. (2026, March 4). Sanctions and relief. PolicyHub. {URL}"),
    ],
)
def test_apa(authors, expected):
    assert apa(work(authors)) == expected


def test_apa_without_a_date():
    assert apa(work(("Ana Ruiz",), published=None)) == (
        f"Ruiz, A. (n.d.). Sanctions and relief. PolicyHub. {URL}"
    )


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Talks Before Threats", "", "Talks before threats"),
        # The first word after a colon, acronyms, mixed case and names the summary capitalises.
        (
            "Engaging North Korea: A New Start for the US and McCarthy",
            "Why Washington should talk to North Korea.",
            "Engaging North Korea: A new start for the US and McCarthy",
        ),
        # A long lowercase word: the editor wrote sentence case, names included.
        ("Why engage North Korea?", "", "Why engage North Korea?"),
    ],
)
def test_apa_titles_are_in_sentence_case(title, summary, expected):
    assert sentence_case(title, summary) == expected
    assert expected in apa(work(title=title, summary=summary))


def test_apa_puts_the_closing_period_outside_the_italic_title():
    parts = apa_parts(work(("Ana Ruiz",)))
    assert parts[1] == "Sanctions and relief"
    assert parts[2].startswith(". PolicyHub.")
    assert as_html(apa_parts(work(("Ana Ruiz",), title="Why engage?")), "em").startswith(
        "Ruiz, A. (2026, March 4). <em>Why engage?</em> PolicyHub."
    )


def test_apa_gives_a_report_the_year_alone():
    assert apa(work(("Ana Ruiz",), is_report=True)) == (
        f"Ruiz, A. (2026). Sanctions and relief. PolicyHub. {URL}"
    )
    assert apa(work((), is_report=True)).startswith("Sanctions and relief. (2026). PolicyHub.")


def test_apa_above_twenty_authors_shows_nineteen_an_ellipsis_and_the_last():
    authors = tuple(f"Given{n} Family{n}" for n in range(22))

    text = apa(work(authors))

    assert "Family18, G., . . . Family21, G. (2026" in text
    assert "Family19" not in text


def test_bibtex_escapes_special_characters():
    assert bibtex_escape(r"50% of A&B_c {x} $1 #2 ~ ^ \ ") == (
        r"50\% of A\&B\_c \{x\} \$1 \#2 \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )


def test_bibtex_entry():
    entry = bibtex(
        work(
            ("Ana Ruiz", "Vincent van Gogh"),
            title="Sanctions & relief: 50% off_now",
            summary="Line one\nline two {x}",
            keywords=("aid", "c#"),
        )
    )

    assert entry.splitlines() == [
        "@misc{ruiz2026sanctions,",
        "  author = {Ruiz, Ana and van Gogh, Vincent},",
        r"  title = {{Sanctions \& relief: 50\% off\_now}},",
        "  howpublished = {PolicyHub},",
        "  year = {2026},",
        "  month = mar,",
        "  date = {2026-03-04},",
        f"  url = {{{URL}}},",
        r"  abstract = {Line one line two \{x\}},",
        r"  keywords = {aid, c\#},",
        "}",
    ]


def test_bibtex_reports_are_techreports_and_keys_are_stable():
    report = work(("Élodie Brûlé",), title="The Future of Aid", is_report=True)

    assert bibtex(report).startswith("@techreport{brule2026future,\n")
    assert "  institution = {PolicyHub}," in bibtex(report)
    assert bibtex_key(report) == bibtex_key(work(("Élodie Brûlé",), title="The Future of Aid"))
    assert bibtex_key(work(published=None, title="On the aid")) == "policyhubndaid"


def test_ris_record():
    record = ris(
        work(("Ana Ruiz", "Martin Luther King Jr."), summary="A\nsummary.", keywords=("aid",))
    )

    assert record.endswith("ER  - \r\n")
    assert record.split("\r\n")[:-1] == [
        "TY  - ELEC",
        "AU  - Ruiz, Ana",
        "AU  - King, Martin Luther, Jr.",
        "TI  - Sanctions and relief",
        "PY  - 2026",
        "DA  - 2026/03/04",
        "PB  - PolicyHub",
        f"UR  - {URL}",
        "AB  - A summary.",
        "KW  - aid",
        "ER  - ",
    ]
    assert ris(work(is_report=True, published=None)).startswith("TY  - RPRT\r\n")
    assert "PY  -" not in ris(work(published=None))


@pytest.mark.django_db
def test_publication_page_shows_chicago_and_apa(client):
    publication = PublicationFactory(
        title="Engaging <North> Korea",
        summary="Why North Korea should be engaged.",
        authors=[PersonFactory(name="Ana Ruiz"), PersonFactory(name="Li Wei")],
    )

    html = client.get(publication.get_absolute_url()).content.decode()

    url = f"http://testserver{publication.get_absolute_url()}"
    assert "Cite this" in html
    assert "Ruiz, Ana, and Li Wei. “Engaging &lt;North&gt; Korea.” PolicyHub," in html
    assert f"Ruiz, A., &amp; Wei, L. ({publication.published_at.year}, " in html
    assert f"<em>Engaging &lt;North&gt; Korea</em>. PolicyHub. {url}" in html
    assert f'href="{reverse("publications:cite_bibtex", args=[publication.slug])}"' in html
    assert f'href="{reverse("publications:cite_ris", args=[publication.slug])}"' in html


@pytest.mark.django_db
def test_bibtex_and_ris_downloads(client):
    publication = PublicationFactory(
        slug="engaging",
        title="Engaging Korea",
        publication_type=PublicationTypeFactory(name="Special Report", slug="special-report"),
        authors=[PersonFactory(name="Ana Ruiz")],
    )
    year = publication.published_at.year

    bib = client.get(reverse("publications:cite_bibtex", args=["engaging"]))
    ris_response = client.get(reverse("publications:cite_ris", args=["engaging"]))

    assert bib.status_code == 200
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="engaging.bib"'
    assert bib.content.decode().startswith(f"@techreport{{ruiz{year}engaging,\n")
    assert "  url = {http://testserver/publications/engaging/}," in bib.content.decode()
    assert ris_response.status_code == 200
    assert ris_response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert ris_response["Content-Disposition"] == 'attachment; filename="engaging.ris"'
    assert ris_response.content.decode().startswith("TY  - RPRT\r\nAU  - Ruiz, Ana\r\n")


@pytest.mark.django_db
def test_downloads_of_unpublished_or_unknown_publications_are_404(client):
    hidden = [
        PublicationFactory(draft=True),
        PublicationFactory(scheduled=True),
        PublicationFactory(status="review"),
    ]
    for slug in [*(p.slug for p in hidden), "nope"]:
        for name in ["publications:cite_bibtex", "publications:cite_ris"]:
            assert client.get(reverse(name, args=[slug])).status_code == 404, (name, slug)


@pytest.mark.django_db
def test_downloads_have_a_fixed_query_budget(client, django_assert_max_num_queries):
    publication = PublicationFactory(
        authors=[PersonFactory() for _ in range(5)], tags=["a", "b", "c"]
    )
    for name in ["publications:cite_bibtex", "publications:cite_ris"]:
        # The publication, its authors, tags and attached documents (for the PDF's address);
        # the site settings (the publisher's name).
        with django_assert_max_num_queries(6):
            assert client.get(reverse(name, args=[publication.slug])).status_code == 200


@pytest.mark.django_db
def test_downloads_under_an_old_slug_move_with_the_publication(client):
    publication = PublicationFactory(slug="old-name")
    publication.slug = "new-name"
    publication.save()

    response = client.get("/publications/old-name/cite.bib")

    assert response.status_code == 301
    assert response["Location"] == "/publications/new-name/cite.bib"
