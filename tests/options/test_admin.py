import pytest
from django.db.models.signals import post_save
from django.urls import reverse

from options.admin import PolicyOptionAdminForm
from options.models import PolicyOption
from tests.factories import (
    ActorFactory,
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    TrackFactory,
)
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db

MODELS = ["policyoption", "policyquestion", "track", "actor"]


@pytest.fixture
def one_of_each():
    option = PolicyOptionFactory(actors=[ActorFactory()], tags=["Diplomacy"])
    OptionSourceFactory(option=option)
    return {
        "policyoption": option,
        "policyquestion": option.question,
        "track": option.track,
        "actor": option.actors.get(),
    }


@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_change_pages_render(admin_client, one_of_each, model):
    obj = one_of_each[model]

    for url in [
        reverse(f"admin:options_{model}_changelist"),
        reverse(f"admin:options_{model}_add"),
        reverse(f"admin:options_{model}_change", args=[obj.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=live", 1),
        ("state=draft", 0),
        ("level__exact=governmental", 1),
        ("level__exact=nongovernmental", 0),
        ("timeframe__exact=immediate", 1),
        ("real_world_status__exact=adopted", 0),
        ("q=Policy+option", 1),
        ("q=nothing+like+this", 0),
    ],
)
def test_option_changelist_filters_and_search(admin_client, one_of_each, query, expected):
    PolicyOptionFactory(draft=True, title="Draft", level="both", timeframe="long-term")
    url = reverse("admin:options_policyoption_changelist") + "?" + query

    response = admin_client.get(url)

    assert response.status_code == 200
    matching = [o for o in response.context["cl"].result_list if o.title != "Draft"]
    assert len(matching) == expected


def test_option_changelist_filters_by_question_and_track(admin_client, one_of_each):
    option = one_of_each["policyoption"]
    PolicyOptionFactory()
    url = reverse("admin:options_policyoption_changelist")

    for query in [
        f"question__id__exact={option.question_id}",
        f"track__id__exact={option.track_id}",
    ]:
        response = admin_client.get(f"{url}?{query}")
        assert list(response.context["cl"].result_list) == [option], query


def test_option_change_page_has_the_source_inline_with_publication_autocomplete(
    admin_client, one_of_each
):
    option = one_of_each["policyoption"]

    response = admin_client.get(reverse("admin:options_policyoption_change", args=[option.pk]))

    html = response.content.decode()
    assert 'id="source_links-group"' in html
    assert 'name="source_links-0-publication"' in html
    assert "admin-autocomplete" in html
    assert option.source_links.get().publication.title in html


def option_post_data(option, **changes):
    data = {
        "title": option.title,
        "slug": option.slug,
        "question": option.question_id,
        "track": option.track_id,
        "level": option.level,
        "timeframe": option.timeframe,
        "summary": option.summary,
        "description": "",
        "goals": "",
        "risks": "",
        "tags": "",
        "actors": [],
        "prerequisites": [p.pk for p in option.prerequisites.all()],
        "conditions": "",
        "real_world_status": option.real_world_status,
        "status_note": "",
        "status_date": "",
        "status": option.status,
        "published_at_0": option.published_at.strftime("%Y-%m-%d"),
        "published_at_1": option.published_at.strftime("%H:%M:%S"),
        "source_links-TOTAL_FORMS": "0",
        "source_links-INITIAL_FORMS": "0",
        "source_links-MIN_NUM_FORMS": "0",
        "source_links-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_longer_cycle_is_refused_in_the_admin_with_a_form_error(admin_client):
    start = PolicyOptionFactory(title="Reaffirm statement")
    middle = PolicyOptionFactory(prerequisites=[start])
    end = PolicyOptionFactory(prerequisites=[middle])
    url = reverse("admin:options_policyoption_change", args=[start.pk])

    response = admin_client.post(url, option_post_data(start, prerequisites=[end.pk]))

    assert response.status_code == 200  # the form again, not a redirect
    assert "prerequisites" in response.context["adminform"].form.errors
    assert "would make a cycle" in response.content.decode()
    assert list(start.prerequisites.all()) == []


def test_an_option_as_its_own_prerequisite_is_refused_in_the_admin(admin_client):
    option = PolicyOptionFactory()
    url = reverse("admin:options_policyoption_change", args=[option.pk])

    response = admin_client.post(url, option_post_data(option, prerequisites=[option.pk]))

    assert "cannot be its own prerequisite" in response.content.decode()
    assert list(option.prerequisites.all()) == []


def test_a_two_option_cycle_is_refused_by_the_admin_form():
    first = PolicyOptionFactory()
    second = PolicyOptionFactory(prerequisites=[first])

    form = PolicyOptionAdminForm(
        data=option_post_data(first, prerequisites=[second.pk]), instance=first
    )

    assert not form.is_valid()
    assert "would make a cycle" in str(form.errors["prerequisites"])


def test_valid_prerequisites_and_a_source_are_saved(admin_client):
    base = PolicyOptionFactory()
    option = PolicyOptionFactory()
    publication = PublicationFactory()
    url = reverse("admin:options_policyoption_change", args=[option.pk])
    data = option_post_data(
        option,
        prerequisites=[base.pk],
        **{
            "source_links-TOTAL_FORMS": "1",
            "source_links-0-publication": publication.pk,
            "source_links-0-stance": "supports",
            "source_links-0-order": "0",
            "source_links-0-quote": "A quoted passage",
            "source_links-0-note": "",
        },
    )

    response = admin_client.post(url, {**data, **PUBLISH_CHANGES})

    assert response.status_code == 302
    assert list(option.prerequisites.all()) == [base]
    assert option.source_links.get().stance == "supports"


def test_a_slug_that_is_another_page_is_refused(admin_client):
    option = PolicyOptionFactory()
    url = reverse("admin:options_policyoption_change", args=[option.pk])

    response = admin_client.post(url, option_post_data(option, slug="matrix"))

    assert response.status_code == 200
    assert "is the address of another page" in response.content.decode()


def test_publish_and_unpublish_actions(admin_client):
    draft = PolicyOptionFactory(draft=True)
    live = PolicyOptionFactory()
    url = reverse("admin:options_policyoption_changelist")

    admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    admin_client.post(url, {"action": "unpublish", "_selected_action": [live.pk]})

    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.is_published
    assert live.status == PolicyOption.Status.UNPUBLISHED


def test_question_track_and_actor_lists_show_option_counts(admin_client):
    track = TrackFactory(name="Humanitarian")
    actor = ActorFactory(name="Private organizations")
    question = PolicyQuestionFactory()
    PolicyOptionFactory.create_batch(3, track=track, question=question, actors=[actor])

    for model in ["track", "actor", "policyquestion"]:
        response = admin_client.get(reverse(f"admin:options_{model}_changelist"))
        assert '<td class="field-option_total">3</td>' in response.content.decode(), model


def test_publication_change_page_lists_the_options_citing_it(admin_client):
    publication = PublicationFactory()
    link = OptionSourceFactory(
        publication=publication, stance="opposes", option__title="Scale down drills"
    )
    OptionSourceFactory(
        publication=publication, stance="proposes", option__title="A draft", option__draft=True
    )
    OptionSourceFactory(option__title="Not citing this one")

    response = admin_client.get(
        reverse("admin:publications_publication_change", args=[publication.pk])
    )

    html = response.content.decode()
    assert "Policy options citing this publication" in html
    option_url = reverse("admin:options_policyoption_change", args=[link.option.pk])
    assert f'<a href="{option_url}">Scale down drills</a>' in html
    assert "<td>Opposes</td>" in html
    assert "A draft" in html  # editors see drafts too, marked by status
    assert "Not citing this one" not in html


def test_publish_action_saves_each_option_so_save_hooks_run(admin_client):
    draft = PolicyOptionFactory(draft=True)
    saved = []

    def record(sender, instance, **kwargs):
        saved.append(instance.pk)

    post_save.connect(record, sender=PolicyOption)
    try:
        admin_client.post(
            reverse("admin:options_policyoption_changelist"),
            {"action": "publish", "_selected_action": [draft.pk]},
        )
    finally:
        post_save.disconnect(record, sender=PolicyOption)

    assert saved == [draft.pk]
