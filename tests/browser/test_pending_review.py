"""In a real browser: a contributor proposes a change to a live publication, an editor approves
it, and only then does a reader see it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from policyhub.editorial.roles import CONTRIBUTORS, EDITORS
from publications.models import Publication
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long review passphrase"


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def users(django_user_model):
    from policyhub.editorial.roles import ensure_roles

    ensure_roles()
    people = {}
    for name, group in (("carla", CONTRIBUTORS), ("edwin", EDITORS)):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", PASSWORD)
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
        people[name] = user
    return people


def test_contributor_proposes_editor_approves_reader_sees(users, chromium, live_server):
    publication = PublicationFactory(title="Harbour Policy Today")
    change = reverse("admin:publications_publication_change", args=[publication.pk])
    reader_url = publication.get_absolute_url()
    contexts = [chromium.new_context(base_url=live_server.url) for _ in range(3)]
    try:
        contributor, editor, reader = (context.new_page() for context in contexts)

        log_in(contributor, "carla")
        contributor.goto(change)
        contributor.locator("#id_title").fill("Harbour Policy Revised")
        contributor.get_by_role("button", name="Submit for review").last.click()
        contributor.wait_for_load_state()
        assert "submitted for review" in contributor.locator(".messagelist").inner_text()

        reader.goto(reader_url)
        assert "Harbour Policy Today" in reader.content()
        assert "Harbour Policy Revised" not in reader.content()

        log_in(editor, "edwin")
        editor.goto(reverse("admin:publications_publication_pending", args=[publication.pk]))
        assert "Harbour Policy Revised" in editor.locator(".revision-changes").inner_text()
        editor.get_by_role("button", name="Publish changes").click()
        editor.wait_for_load_state()
        assert "are live" in editor.locator(".messagelist").inner_text()

        reader.goto(reader_url)
        assert "Harbour Policy Revised" in reader.content()
        assert Publication.objects.get(pk=publication.pk).title == "Harbour Policy Revised"
    finally:
        for context in contexts:
            context.close()
