import pytest
from django.template.loader import render_to_string
from taggit.models import Tag

from tests.factories import (
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def render(subject):
    return render_to_string("includes/related_options.html", {"options_subject": subject})


def test_a_publication_lists_the_options_citing_it_with_stances():
    publication = PublicationFactory()
    OptionSourceFactory(publication=publication, stance="proposes", option__title="Liaison offices")
    OptionSourceFactory(publication=publication, stance="opposes", option__title="More drills")
    OptionSourceFactory(
        publication=publication, stance="supports", option__title="Draft", option__draft=True
    )
    OptionSourceFactory(
        publication=publication,
        stance="supports",
        option__title="Of a draft question",
        option__question=PolicyQuestionFactory(draft=True),
    )
    OptionSourceFactory(stance="supports", option__title="Cited elsewhere")

    html = render(publication)

    assert "Policy options discussed here" in html
    assert html.index("Proposes") < html.index("Liaison offices")
    assert html.index("Opposes") < html.index("More drills")
    for hidden in ["Draft", "Of a draft question", "Cited elsewhere"]:
        assert f">{hidden}<" not in html


def test_a_topic_lists_options_cited_by_published_publications_on_it():
    topic = TopicFactory()
    OptionSourceFactory(publication=PublicationFactory(topics=[topic]), option__title="Cited")
    OptionSourceFactory(
        publication=PublicationFactory(topics=[topic], draft=True), option__title="Via draft"
    )
    OptionSourceFactory(publication=PublicationFactory(), option__title="Other topic")

    html = render(topic)

    assert ">Policy options<" in html
    assert ">Cited<" in html
    assert "Via draft" not in html
    assert "Other topic" not in html


def test_a_region_lists_options_of_questions_in_it_or_its_sub_regions():
    asia = RegionFactory(name="Asia")
    korea = RegionFactory(name="Korea", parent=asia)
    here = PolicyQuestionFactory()
    here.regions.set([korea])
    elsewhere = PolicyQuestionFactory()
    elsewhere.regions.set([RegionFactory()])
    PolicyOptionFactory(question=here, title="Korean option")
    PolicyOptionFactory(question=here, title="Unpublished", draft=True)
    PolicyOptionFactory(question=elsewhere, title="Elsewhere option")

    html = render(asia)

    assert "Korean option" in html
    assert "Unpublished" not in html
    assert "Elsewhere option" not in html
    assert "Korean option" in render(korea)


def test_a_tag_lists_options_tagged_with_it():
    PolicyOptionFactory(title="Tagged", tags=["Sanctions"])
    PolicyOptionFactory(title="Untagged")
    PolicyOptionFactory(title="Tagged draft", tags=["Sanctions"], draft=True)

    html = render(Tag.objects.get(name="Sanctions"))

    assert ">Tagged<" in html
    assert "Untagged" not in html
    assert "Tagged draft" not in html


def test_a_tag_with_many_options_links_to_the_filtered_list():
    PolicyOptionFactory.create_batch(13, tags=["Sanctions"])

    html = render(Tag.objects.get(name="Sanctions"))

    assert html.count('<li><a href="/options/') == 12
    assert 'href="/options/?tag=sanctions"' in html


def test_nothing_is_rendered_without_options_or_for_other_subjects():
    assert render(TopicFactory()).strip() == ""
    assert render("not a subject").strip() == ""


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow_with_the_number_of_options(django_assert_max_num_queries, count):
    topic = TopicFactory()
    publication = PublicationFactory(topics=[topic])
    region = RegionFactory()
    question = PolicyQuestionFactory()
    question.regions.set([region])
    for _ in range(count):
        option = PolicyOptionFactory(question=question, tags=["Sanctions"])
        OptionSourceFactory(option=option, publication=publication)
    tag = Tag.objects.get(name="Sanctions")

    for subject, budget in [(publication, 1), (topic, 1), (region, 3), (tag, 1)]:
        with django_assert_max_num_queries(budget):
            render(subject)
