"""Redirects editors manage: served only where the site answers 404, never to a hidden target,
never round in a loop; imported from CSV all or nothing; left behind by a tag merge."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from taggit.models import Tag

from policyhub.pages.models import Redirect
from policyhub.pages.redirects import ImportFailed, import_redirects, normalise_path
from publications.tags import merge_tags
from tests.factories import PageFactory, PublicationFactory

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "scheduled", "unpublished"]


def make(old_path, **target):
    redirect = Redirect(old_path=old_path, **target)
    redirect.full_clean()
    redirect.save()
    return redirect


# --- Serving ---------------------------------------------------------------------------------


def test_a_301_to_a_page_and_a_302_to_a_url(client):
    about = PageFactory(slug="about", title="About")
    make("/about-us.html", page=about)
    make("/donate", url="https://give.example.org/institute", status=302)

    permanent = client.get("/about-us.html")
    temporary = client.get("/donate/")

    assert (permanent.status_code, permanent["Location"]) == (301, "/about/")
    assert (temporary.status_code, temporary["Location"]) == (
        302,
        "https://give.example.org/institute",
    )
    assert client.get(permanent["Location"]).status_code == 200


def test_the_redirect_follows_its_page_and_keeps_the_query_string(client):
    about = PageFactory(slug="about")
    make("/who-we-are", page=about)
    about.slug = "about-the-institute"
    about.save()

    response = client.get("/who-we-are/?utm_source=newsletter")

    assert response["Location"] == "/about-the-institute/?utm_source=newsletter"


def test_a_live_page_wins_over_a_redirect(client):
    make("/about", url="/publications/")
    assert client.get("/about/").status_code == 301

    PageFactory(slug="about")

    assert client.get("/about/").status_code == 200


def test_an_old_slug_redirect_wins_over_an_editors_redirect(client):
    publication = PublicationFactory(slug="old-name")
    publication.slug = "new-name"
    publication.save()
    make(reverse("publications:detail", args=["old-name"]), url="/search/")

    response = client.get(reverse("publications:detail", args=["old-name"]))

    assert response["Location"] == reverse("publications:detail", args=["new-name"])


def test_only_reads_are_redirected(client):
    make("/old.html", url="/publications/")
    assert client.get("/old.html").status_code == 301
    assert client.post("/old.html").status_code == 404


@pytest.mark.parametrize("state", STATES)
def test_a_redirect_to_a_hidden_page_is_a_404(client, state):
    make("/old-secret", page=PageFactory(slug="secret", title="Secret plans", **{state: True}))
    hidden_parent = PageFactory(slug="parent", **{state: True})
    make("/old-child", page=PageFactory(slug="child", parent=hidden_parent))

    for path in ["/old-secret/", "/old-child/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert b"Secret plans" not in response.content
        assert b"/secret/" not in response.content


@pytest.mark.parametrize("state", STATES)
def test_a_url_to_a_hidden_item_is_a_404(client, state):
    hidden = PublicationFactory(slug="embargoed-report", **{state: True})
    make("/reports/1", url=hidden.get_absolute_url())
    make("/pages/secret", url="/secret/")
    PageFactory(slug="secret", **{state: True})

    assert client.get("/reports/1/").status_code == 404
    assert client.get("/pages/secret/").status_code == 404


# --- What is saved ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("https://old.example.org/a//b/?x=1#top", "/a/b"),
        ("reports/2019.aspx", "/reports/2019.aspx"),
        ("/caf%C3%A9/", "/café"),
        ("/Old/Path/", "/Old/Path"),
    ],
)
def test_old_paths_are_normalised(typed, stored):
    assert normalise_path(typed) == stored
    assert make(typed, url="/publications/").old_path == stored


def test_an_old_path_is_unique_whatever_its_spelling():
    make("/old/", url="/publications/")
    with pytest.raises(ValidationError, match="already exists"):
        make("https://old.example.org/old", url="/search/")


@pytest.mark.parametrize(
    "target, message",
    [
        ({}, "Choose a page or give a URL"),
        ({"url": "http://insecure.example.org/"}, "https://"),
        ({"url": "//evil.example.org/"}, "single /"),
        ({"url": "javascript:alert(1)"}, "https://"),
        ({"url": "/a b/"}, "spaces"),
    ],
)
def test_bad_targets_are_refused(target, message):
    with pytest.raises(ValidationError, match=message):
        make("/old", **target)


def test_a_redirect_to_its_own_address_is_refused():
    with pytest.raises(ValidationError, match="its own address"):
        make("/about", url="/about/")
    with pytest.raises(ValidationError, match="its own address"):
        make("/about/", page=PageFactory(slug="about", draft=True))


def test_a_chain_back_to_itself_is_refused():
    make("/a", url="/b/")
    make("/b", url="/c/")
    make("/x", page=PageFactory(slug="p"))

    with pytest.raises(ValidationError, match="/c → /a → /b → /c"):
        make("/c", url="/a/")
    with pytest.raises(ValidationError, match="loop"):
        make("/p", url="/x/")
    # A chain that ends is fine.
    make("/c", url="/publications/")


def test_editing_a_redirect_checks_its_new_target():
    make("/a", url="/b/")
    b = make("/b", url="/publications/")
    b.url = "/a/"
    with pytest.raises(ValidationError, match="loop"):
        b.full_clean()


# --- CSV import ------------------------------------------------------------------------------


def test_a_csv_import_adds_and_updates():
    about = PageFactory(slug="about")
    make("/old-contact", url="/publications/")
    data = (
        b"old_path,target,status\n"
        b"/about-us.html,/about/,301\n"
        b"/old-contact,https://example.org/contact,302\n"
        b"\n"
        b"/reports,/publications/\n"
    )

    result = import_redirects(data)

    assert (result.created, result.updated) == (2, 1)
    stored = {r.old_path: (r.page, r.url, r.status) for r in Redirect.objects.all()}
    assert stored == {
        "/about-us.html": (about, "", 301),  # a page's address links the page
        "/old-contact": (None, "https://example.org/contact", 302),
        "/reports": (None, "/publications/", 301),
    }


def test_csv_errors_are_reported_by_line_and_nothing_is_saved():
    data = (
        b"old_path,target,status\n"
        b"/fine,/publications/,301\n"
        b"/bad-status,/publications/,307\n"
        b"/no-target,,301\n"
        b"/too,many,columns,here\n"
        b"/fine/,/search/,301\n"
        b"/loop-a,/loop-b/,301\n"
        b"/loop-b,/loop-a/,301\n"
        b'"/unclosed,/x/\n'
    )

    with pytest.raises(ImportFailed) as failure:
        import_redirects(data)

    lines = dict(failure.value.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "307" in lines[3]
    assert "No target" in lines[4]
    assert "4 column" in lines[5]
    assert "also on line 2" in lines[6]
    assert "loop" in lines[7] and "loop" in lines[8]
    assert "1 column" in lines[9]
    assert not Redirect.objects.exists()


def test_a_file_that_is_not_utf8_names_its_line():
    with pytest.raises(ImportFailed) as failure:
        import_redirects("/a,/b/\n/caf\xe9,/c/\n".encode("latin-1"))
    assert failure.value.errors == [(2, "Not UTF-8 text: save the file as CSV UTF-8.")]


def test_an_empty_file_is_an_error():
    with pytest.raises(ImportFailed, match="No redirects"):
        import_redirects(b"old_path,target,status\n")


def test_the_import_command(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("/old,/publications/,302\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("/x,/publications/\n/y,ftp://example.org/\n")

    call_command("import_redirects", str(good))
    with pytest.raises(CommandError, match="1 bad line"):
        call_command("import_redirects", str(bad))

    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("bad.csv:2: " + ("Give a path on this site (/publications/) or an https:// URL."))
    )
    assert list(Redirect.objects.values_list("old_path", "status")) == [("/old", 302)]


# --- Admin -----------------------------------------------------------------------------------


def test_the_admin_import_page_lists_errors_or_imports(admin_client):
    url = reverse("admin:pages_redirect_import")
    changelist = admin_client.get(reverse("admin:pages_redirect_changelist"))
    assert url in changelist.content.decode()

    bad = SimpleUploadedFile("r.csv", b"/a,/publications/\n/b,/x/,999\n")
    response = admin_client.post(url, {"file": bad})

    assert response.status_code == 200
    assert "Line 2: Status must be 301 or 302" in response.content.decode()
    assert not Redirect.objects.exists()

    good = SimpleUploadedFile("r.csv", b"/a,/publications/\n/b,/x/,302\n")
    response = admin_client.post(url, {"file": good}, follow=True)

    assert "2 added, 0 updated" in response.content.decode()
    assert Redirect.objects.count() == 2


def test_the_change_form_names_the_page(admin_client):
    redirect = make("/old", page=PageFactory(title="Board of trustees", slug="board"))

    response = admin_client.get(reverse("admin:pages_redirect_change", args=[redirect.pk]))
    listing = admin_client.get(reverse("admin:pages_redirect_changelist"))

    assert "Board of trustees" in response.content.decode()
    assert 'data-theme="admin-autocomplete"' in response.content.decode()
    assert "Board of trustees (/board/)" in listing.content.decode()


def test_the_admin_refuses_a_loop(admin_client):
    make("/a", url="/b/")

    response = admin_client.post(
        reverse("admin:pages_redirect_add"), {"old_path": "/b", "url": "/a/", "status": 301}
    )

    assert response.status_code == 200
    assert "go round in a loop" in response.content.decode()
    assert Redirect.objects.count() == 1


# --- Tag merges ------------------------------------------------------------------------------


def test_a_tag_merge_leaves_redirects_to_the_surviving_tag(client):
    survivor, dprk = Tag.objects.create(name="North Korea"), Tag.objects.create(name="DPRK")
    PublicationFactory(tags=[survivor])
    PublicationFactory(tags=[dprk])

    merge_tags(survivor, [dprk])

    for name in ["tag", "tag_feed", "tag_atom_feed"]:
        response = client.get(reverse(name, args=["dprk"]))
        assert response.status_code == 301
        assert response["Location"] == reverse(name, args=["north-korea"])
        assert client.get(response["Location"]).status_code == 200


def test_merging_twice_keeps_one_hop_and_no_loop(client):
    a, b = Tag.objects.create(name="a"), Tag.objects.create(name="b")
    PublicationFactory(tags=[a, b])
    merge_tags(b, [a])
    # "a" comes back and the earlier survivor is merged into it.
    a = Tag.objects.create(name="a")
    PublicationFactory(tags=[a])

    merge_tags(a, [b])

    assert client.get("/tags/b/")["Location"] == "/tags/a/"
    assert client.get("/tags/a/").status_code == 200


def test_a_merge_into_a_tag_only_drafts_use_reveals_nothing(client):
    survivor, old = Tag.objects.create(name="secret project"), Tag.objects.create(name="old")
    PublicationFactory(tags=[survivor, old], draft=True)

    merge_tags(survivor, [old])

    assert client.get("/tags/old/").status_code == 404
