"""Visit every public URL and prove that draft, in-review, scheduled and unpublished content never
reaches readers: publications, policy options, questions, cited sources, and tags, actors or
people only they use."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from policyhub.pages.models import Menu
from tests.crawl import PUBLIC_SEEDS, crawl, populate
from tests.factories import (
    ActorFactory,
    DocumentFactory,
    HomeSlotFactory,
    MenuFactory,
    MenuItemFactory,
    OptionSourceFactory,
    PageFactory,
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
    TrackFactory,
    pdf_upload,
)
from tests.office_files import make_xlsx

pytestmark = pytest.mark.django_db

SECRET_TITLES = [
    "Zebra draft about embargoes",
    "Quokka scheduled exposé",
    "Yak piece in review",
    "Ibis piece taken down",
]
API_LISTS = ["publications", "options", "questions", "people", "topics", "regions", "tags"]
HIDDEN_STATES = [{"draft": True}, {"scheduled": True}, {"in_review": True}, {"unpublished": True}]


def feed_urls(*rss_urls):
    """Each RSS feed and its Atom twin (``…/feed/atom/``; the site-wide one is ``…/atom/``)."""
    return [url for rss in rss_urls for url in (rss, f"{rss}atom/")]


def test_unpublished_publications_never_appear(client):
    shared_topic = TopicFactory(slug="shared-topic")
    asia = RegionFactory(slug="asia")
    north_korea = RegionFactory(slug="north-korea", parent=asia)
    author = PersonFactory(slug="shared-author")
    live = PublicationFactory(
        title="Published piece",
        authors=[author],
        topics=[shared_topic],
        regions=[north_korea],
        tags=["shared-tag"],
    )
    secret_topic = TopicFactory(slug="secret-topic")
    secret_person = PersonFactory(slug="secret-person")
    secret_type = PublicationTypeFactory(name="Secret type", slug="secret-type")
    secrets = [
        PublicationFactory(
            title=title,
            publication_type=secret_type,
            authors=[author, secret_person],
            topics=[shared_topic, secret_topic],
            regions=[north_korea],
            tags=["shared-tag", "secret-tag"],
            related=[live],
            **state,
        )
        for title, state in zip(SECRET_TITLES, HIDDEN_STATES, strict=True)
    ]
    # Each secret in a home page slot, one with an override title: none may show.
    for secret in secrets:
        HomeSlotFactory(publication=secret)
    HomeSlotFactory(publication=secrets[0], title="Zebra slot title")
    HomeSlotFactory(publication=live)
    # A published piece that names the secrets as related reading must not show them either.
    live_with_links = PublicationFactory(
        title="Links to secrets", tags=["shared-tag"], related=secrets
    )

    list_url = reverse("publications:list")
    secret_tag_url = reverse("tag", args=["secret-tag"])
    filters = [
        {"type": "secret-type"},
        {"topic": "shared-topic"},
        {"topic": "secret-topic"},
        {"region": "asia"},
        {"tag": "shared-tag"},
        {"tag": "secret-tag"},
        {"author": "shared-author"},
        {"author": "secret-person"},
        {"year": str(live.published_at.year)},
        {"year": str(secrets[1].published_at.year)},
    ]
    urls = [
        reverse("home"),
        list_url,
        *[f"{list_url}?{'&'.join(f'{k}={v}' for k, v in f.items())}" for f in filters],
        live.get_absolute_url(),
        live_with_links.get_absolute_url(),
        author.get_absolute_url(),
        shared_topic.get_absolute_url(),
        secret_topic.get_absolute_url(),
        asia.get_absolute_url(),
        north_korea.get_absolute_url(),
        reverse("tag", args=["shared-tag"]),
        *feed_urls(
            reverse("publications:feed"),
            reverse("publications:topic_feed", args=["shared-topic"]),
            reverse("publications:topic_feed", args=["secret-topic"]),
            reverse("publications:region_feed", args=["asia"]),
            reverse("publications:region_feed", args=["north-korea"]),
            reverse("publications:person_feed", args=["shared-author"]),
            reverse("tag_feed", args=["shared-tag"]),
        ),
        reverse("publications:cite_bibtex", args=[live.slug]),
        reverse("publications:cite_ris", args=[live.slug]),
        reverse("publications:cite_bibtex", args=[live_with_links.slug]),
        reverse("sitemap"),
        "/robots.txt",
        # Search and its suggestions: every word of every secret title.
        *(
            f"{reverse(name)}?q={word}"
            for name in ("search:search", "search:suggest", "api:search")
            for word in ("Zebra", "Quokka", "Yak", "Ibis", "secret-tag")
        ),
        # The API: every list, the same filters, and the live items' records.
        *(f"/api/v1/{name}/" for name in API_LISTS),
        *(
            f"/api/v1/publications/?{'&'.join(f'{k}={v}' for k, v in f.items())}"
            for f in filters
            if f not in ({"tag": "secret-tag"}, {"author": "secret-person"})  # 400s (below)
        ),
        f"/api/v1/publications/{live.slug}/",
        f"/api/v1/publications/{live_with_links.slug}/",
        f"/api/v1/people/{author.slug}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in secrets:
            assert secret.title not in content, url
            assert secret.get_absolute_url() not in content, url
        assert "Zebra slot title" not in content, url
        assert secret_tag_url not in content, url
        assert ">secret-tag<" not in content, url
        # An author of hidden pieces only is no one yet.
        assert secret_person.name not in content, url
        assert secret_person.get_absolute_url() not in content, url

    # The live pages really were rendered with content (the checks above are not vacuous).
    assert "Published piece" in client.get(list_url).content.decode()
    assert [slot.publication for slot in client.get(reverse("home")).context["slots"]] == [live]
    found = client.get(reverse("search:search") + "?q=published piece").content.decode()
    assert live.get_absolute_url() in found
    assert (
        "Published piece" in client.get(reverse("tag_feed", args=["shared-tag"])).content.decode()
    )
    for secret in secrets:
        assert client.get(secret.get_absolute_url()).status_code == 404
        for name in ["publications:cite_bibtex", "publications:cite_ris"]:
            assert client.get(reverse(name, args=[secret.slug])).status_code == 404
    assert client.get(secret_tag_url).status_code == 404
    assert client.get(secret_person.get_absolute_url()).status_code == 404
    for secret in secrets:
        assert client.get(f"/api/v1/publications/{secret.slug}/").status_code == 404
    for url in [
        "/api/v1/people/secret-person/",
        "/api/v1/tags/secret-tag/",
        "/api/v1/publications/?tag=secret-tag",
        "/api/v1/publications/?author=secret-person",
    ]:
        response = client.get(url)
        assert response.status_code in {400, 404}, url
        assert "Zebra" not in response.content.decode()
    assert "Published piece" in client.get("/api/v1/publications/").content.decode()
    # Asking the API for the draft-only tag reads like asking for one that does not exist.
    assert client.get("/api/v1/publications/?tag=secret-tag").json() == {
        "tag": ["No tag called “secret-tag”."]
    }
    for url in feed_urls(
        reverse("tag_feed", args=["secret-tag"]),
        reverse("publications:person_feed", args=["secret-person"]),
    ):
        assert client.get(url).status_code == 404, url
    # Asking for the draft-only tag reads exactly like asking for a tag that does not exist.
    assert (
        "No tag called “secret-tag”." in client.get(f"{list_url}?tag=secret-tag").content.decode()
    )


def test_documents_of_hidden_publications_never_reach_readers(client):
    topic = TopicFactory(slug="documents-topic")
    live = PublicationFactory(title="Published with a report", topics=[topic], tags=["doc-tag"])
    PublicationDocumentFactory(
        publication=live,
        document=DocumentFactory(title="Public report", file=pdf_upload(["Visible findings"])),
    )
    secrets = []
    for number, state in enumerate(HIDDEN_STATES):
        document = DocumentFactory(
            title=f"Narwhal dossier {number}",
            file=pdf_upload(["Cover", f"Okapi findings number {number}"]),
        )
        hidden = PublicationFactory(topics=[topic], tags=["doc-tag"], **state)
        PublicationDocumentFactory(publication=hidden, document=document, label="annex")
        secrets.append(document)
    for document in secrets:
        assert client.get(document.get_absolute_url()).status_code == 404
        assert client.get(f"/documents/{document.pk}/guess.pdf").status_code == 404
        assert client.get(f"/media/{document.file.name}").status_code == 404
        assert document.cover
        for item in document.cover["jpeg"]:
            cover_url = f"/documents/{document.pk}/cover-{item['width']}w.jpg"
            assert client.get(cover_url).status_code == 404
            assert client.get(f"/media/{item['name']}").status_code == 404

    # Beyond PDF: a spreadsheet of a draft, under its own extension or another.
    sheet = DocumentFactory(
        title="Narwhal dossier tables",
        file=SimpleUploadedFile("tables.xlsx", make_xlsx({"Okapi": [["Okapi findings number 9"]]})),
    )
    PublicationDocumentFactory(
        publication=PublicationFactory(topics=[topic], tags=["doc-tag"], draft=True),
        document=sheet,
    )
    assert sheet.get_absolute_url().endswith(".xlsx")
    for extension in ("xlsx", "pdf", "csv"):
        assert client.get(f"/documents/{sheet.pk}/{sheet.slug}.{extension}").status_code == 404
    assert client.get(f"/media/{sheet.file.name}").status_code == 404
    secrets.append(sheet)

    search_url = reverse("search:search")
    urls = [
        reverse("home"),
        reverse("publications:list"),
        live.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("tag", args=["doc-tag"]),
        *feed_urls(
            reverse("publications:feed"),
            reverse("publications:topic_feed", args=["documents-topic"]),
            reverse("tag_feed", args=["doc-tag"]),
        ),
        reverse("publications:cite_bibtex", args=[live.slug]),
        reverse("publications:cite_ris", args=[live.slug]),
        reverse("sitemap"),
        "/api/v1/publications/",
        f"/api/v1/publications/{live.slug}/",
        f"/api/v1/topics/{topic.slug}/",
        "/api/v1/search/?q=Okapi+findings",
        "/api/v1/search/?q=Narwhal+dossier",
        *(
            f"{reverse(name)}?q={words}"
            for name in ("search:search", "search:suggest")
            for words in ("Okapi findings", "Narwhal", "dossier")
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for document in secrets:
            assert document.title not in content, url
            assert f"/documents/{document.pk}/" not in content, url
        assert "findings number" not in content, url  # page text (the query itself is echoed)

    # Not vacuous: the live publication's document is served and found by its text.
    live_document = live.attached_documents[0].document
    assert client.get(live_document.get_absolute_url()).status_code == 200
    listed = client.get(f"/api/v1/publications/{live.slug}/").json()["documents"]
    assert [item["title"] for item in listed] == ["Public report"]
    found = client.get(search_url, {"q": "visible findings"}).content.decode()
    assert live.get_absolute_url() in found and "Public report" in found


HIDDEN_OPTION_TITLES = [
    "Narwhal draft option",
    "Okapi scheduled option",
    "Axolotl option under a draft question",
    "Tapir option under a scheduled question",
    "Gecko option in review",
    "Marmot option taken down",
    "Lemur option under a question in review",
]
HIDDEN_QUESTION_TITLES = [
    "Axolotl draft question",
    "Tapir scheduled question",
    "Lemur question in review",
]
HIDDEN_SOURCE_TITLES = [
    "Pangolin draft source",
    "Dugong scheduled source",
    "Civet source in review",
    "Wombat source taken down",
]
HIDDEN_NAMES = ["Secret option tag", "Clandestine actor"]


def test_hidden_options_questions_sources_tags_and_actors_never_appear(client):
    topic = TopicFactory(slug="options-topic")
    region = RegionFactory(slug="options-region")
    author = PersonFactory(slug="options-author")
    track = TrackFactory(slug="shared-track")
    shared_actor = ActorFactory(slug="shared-actor", name="Shared actor")
    secret_actor = ActorFactory(slug="clandestine-actor", name="Clandestine actor")
    question = PolicyQuestionFactory(slug="live-question", title="Live question")
    question.regions.set([region])
    live_source = PublicationFactory(title="Live source", authors=[author], topics=[topic])
    hidden_sources = [
        PublicationFactory(
            title=title, authors=[author], topics=[topic], tags=["shared-tag"], **state
        )
        for title, state in zip(HIDDEN_SOURCE_TITLES, HIDDEN_STATES, strict=True)
    ]
    live = PolicyOptionFactory(
        slug="live-option",
        title="Live option",
        question=question,
        track=track,
        tags=["shared-tag"],
        actors=[shared_actor],
    )
    draft_question = PolicyQuestionFactory(
        slug="draft-question", title="Axolotl draft question", draft=True
    )
    scheduled_question = PolicyQuestionFactory(
        slug="scheduled-question",
        title="Tapir scheduled question",
        published_at=timezone.now() + timedelta(days=3),
    )
    review_question = PolicyQuestionFactory(
        slug="review-question", title="Lemur question in review", in_review=True
    )
    for other in (draft_question, scheduled_question, review_question):
        other.regions.set([region])
        other.tags.set(["shared-tag"])
    hidden = [
        PolicyOptionFactory(slug=slug, title=title, question=on_question, track=track, **state)
        for slug, title, on_question, state in zip(
            [
                "draft-option",
                "scheduled-option",
                "orphan-option",
                "early-option",
                "review-option",
                "down-option",
                "waiting-option",
            ],
            HIDDEN_OPTION_TITLES,
            [question, question, draft_question, scheduled_question]
            + [question, question, review_question],
            [{"draft": True}, {"scheduled": True}, {}, {}, {"in_review": True}]
            + [{"unpublished": True}, {}],
            strict=True,
        )
    ]
    HomeSlotFactory(option=live)
    HomeSlotFactory(question=question)
    for other in (draft_question, scheduled_question, review_question):
        HomeSlotFactory(question=other)
    for option in hidden:
        HomeSlotFactory(option=option)
        option.tags.set(["shared-tag", "Secret option tag"])
        option.actors.set([shared_actor, secret_actor])
        option.prerequisites.set([live])
        OptionSourceFactory(option=option, publication=live_source)
    live.prerequisites.set(hidden)
    OptionSourceFactory(option=live, publication=live_source)
    for source in hidden_sources:
        OptionSourceFactory(option=live, publication=source, stance="supports")

    options_list, matrix = reverse("options:list"), reverse("options:matrix")
    filters = [
        "",
        "?tag=shared-tag",
        "?tag=secret-option-tag",
        "?actor=shared-actor",
        "?actor=clandestine-actor",
        "?question=live-question",
        "?question=draft-question",
        "?question=scheduled-question",
        "?question=review-question",
        "?track=shared-track",
        "?status=proposed&level=governmental&timeframe=immediate",
    ]
    all_slugs = ",".join(["live-option", *(option.slug for option in hidden)])
    urls = [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:list") + "?tag=shared-tag",
        *(options_list + query for query in filters),
        *(matrix + query for query in filters),
        reverse("options:questions"),
        question.get_absolute_url(),
        live.get_absolute_url(),
        live_source.get_absolute_url(),
        reverse("options:compare") + f"?options={all_slugs}",
        reverse("options:compare") + "?options=live-option&options=draft-option"
        "&options=scheduled-option&options=orphan-option&options=early-option",
        reverse("options:compare") + "?options=live-option&options=review-option"
        "&options=down-option&options=waiting-option",
        reverse("tag", args=["shared-tag"]),
        topic.get_absolute_url(),
        region.get_absolute_url(),
        author.get_absolute_url(),
        *feed_urls(
            reverse("publications:feed"),
            reverse("publications:topic_feed", args=["options-topic"]),
            reverse("publications:region_feed", args=["options-region"]),
            reverse("publications:person_feed", args=["options-author"]),
            reverse("tag_feed", args=["shared-tag"]),
            reverse("options:question_feed", args=["live-question"]),
        ),
        reverse("sitemap"),
        reverse("robots_txt"),
        *(
            f"{reverse(name)}?q={word}"
            for name in ("search:search", "search:suggest", "api:search")
            for word in ("Narwhal", "Gecko", "Marmot", "Lemur", "Civet", "Wombat", "Clandestine")
        ),
        *(f"/api/v1/{name}/" for name in API_LISTS),
        *("/api/v1/options/" + query for query in filters),
        "/api/v1/options/live-option/",
        "/api/v1/questions/live-question/",
        f"/api/v1/publications/{live_source.slug}/",
        f"/api/v1/people/{author.slug}/",
    ]
    secrets = [*HIDDEN_OPTION_TITLES, *HIDDEN_QUESTION_TITLES, *HIDDEN_SOURCE_TITLES, *HIDDEN_NAMES]
    hidden_urls = [
        *(option.get_absolute_url() for option in hidden),
        draft_question.get_absolute_url(),
        scheduled_question.get_absolute_url(),
        review_question.get_absolute_url(),
        *(source.get_absolute_url() for source in hidden_sources),
        reverse("tag", args=["secret-option-tag"]),
        *feed_urls(
            reverse("tag_feed", args=["secret-option-tag"]),
            reverse("options:question_feed", args=["draft-question"]),
            reverse("options:question_feed", args=["scheduled-question"]),
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 400}, url
        content = response.content.decode()
        for secret in secrets:
            assert secret not in content, (url, secret)
        for hidden_url in hidden_urls:
            assert hidden_url not in content, (url, hidden_url)

    for url in hidden_urls:
        assert client.get(url).status_code == 404, url
    hidden_api_urls = [
        *(f"/api/v1/options/{option.slug}/" for option in hidden),
        *(f"/api/v1/questions/{q.slug}/" for q in (draft_question, scheduled_question)),
        f"/api/v1/questions/{review_question.slug}/",
        *(f"/api/v1/publications/{source.slug}/" for source in hidden_sources),
        "/api/v1/tags/secret-option-tag/",
    ]
    for url in hidden_api_urls:
        assert client.get(url).status_code == 404, url
    home_slots = client.get(reverse("home")).context["slots"]
    assert [slot.target for slot in home_slots] == [live, question]
    api_options = client.get("/api/v1/options/").content.decode()
    assert "Live option" in api_options and "Live source" in api_options
    # The pages above did show the live content, so the absence checks are not vacuous.
    assert "Live option" in client.get(options_list).content.decode()
    assert "Live source" in client.get(live.get_absolute_url()).content.decode()
    question_feed = reverse("options:question_feed", args=["live-question"])
    assert "Live source" in client.get(question_feed).content.decode()
    assert "Shared actor" in client.get(options_list + "?actor=shared-actor").content.decode()


HIDDEN_PAGE_TITLES = ["Heron draft page", "Otter scheduled page", "Bison page in review"]
HIDDEN_PAGE_TITLES += ["Mole page taken down", "Vole page under a draft"]


def test_hidden_pages_and_menu_items_to_hidden_targets_never_appear(client):
    live = PageFactory(slug="about", title="Live about page")
    hidden_parent = PageFactory(slug="hidden-parent", title="Heron draft page", draft=True)
    hidden = [
        hidden_parent,
        PageFactory(slug="otter", title="Otter scheduled page", scheduled=True),
        PageFactory(slug="bison", title="Bison page in review", in_review=True),
        PageFactory(slug="mole", title="Mole page taken down", unpublished=True),
        PageFactory(slug="vole", title="Vole page under a draft", parent=hidden_parent),
    ]
    secret_publication = PublicationFactory(title="Zebra draft about embargoes", draft=True)
    secret_question = PolicyQuestionFactory(title="Axolotl draft question", draft=True)
    header = MenuFactory(place=Menu.Place.HEADER)
    for page in [live, *hidden]:
        MenuItemFactory(menu=header, page=page)
        MenuItemFactory(page=page)
    MenuItemFactory(publication=secret_publication, label="Quokka menu label")
    MenuItemFactory(question=secret_question)
    for page in [live, *hidden]:
        HomeSlotFactory(page=page)
    HomeSlotFactory(page=hidden[1], title="Quokka slot title")
    hidden_urls = [page.get_absolute_url() for page in hidden]

    urls = [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:people"),
        reverse("tags"),
        live.get_absolute_url(),
        reverse("sitemap"),
        f"{reverse('search:search')}?q=Heron",
    ]
    secrets = [*HIDDEN_PAGE_TITLES, "Zebra", "Axolotl", "Quokka menu label", "Quokka slot title"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in secrets:
            assert secret not in content, (url, secret)
        for hidden_url in hidden_urls:
            assert f"{hidden_url}<" not in content and f'"{hidden_url}"' not in content, url

    for url in hidden_urls:
        assert client.get(url).status_code == 404, url
    # The live page shows in both menus, its slot and the sitemap: the checks above are not
    # vacuous.
    assert client.get(reverse("home")).content.decode().count('href="/about/"') == 3
    assert "/about/</loc>" in client.get(reverse("sitemap")).content.decode()


def test_people_without_a_published_byline_never_appear(client):
    """Authors of only a draft, a scheduled or an in-review piece, and a person with no
    publication: no name, bio or slug anywhere an anonymous reader can reach."""
    site = populate()
    hidden = site["hidden_people"]
    words = [person.name.split()[-1] for person in hidden]
    seeds = [
        *PUBLIC_SEEDS,
        *(
            f"{reverse(name)}?q={word}"
            for name in ("search:search", "search:suggest")
            for word in ["Hester", *words]
        ),
        *(f"{reverse('search:search')}?q=bio&author={person.slug}" for person in hidden),
        *(f"{reverse('publications:list')}?author={person.slug}" for person in hidden),
        *(person.get_absolute_url() for person in hidden),
        *(
            url
            for person in hidden
            for url in feed_urls(reverse("publications:person_feed", args=[person.slug]))
        ),
    ]
    pages = crawl(client, seeds)

    for page in pages:
        for person in hidden:
            assert person.name not in page.text, (page.url, person.name)
            assert person.bio not in page.text, (page.url, person.bio)
            assert person.role not in page.text, (page.url, person.role)
            if person.slug not in page.url:  # a filter value the reader typed is echoed back
                assert person.slug not in page.text, (page.url, person.slug)
    for person in hidden:
        assert client.get(person.get_absolute_url()).status_code == 404
        answer = client.get(reverse("publications:list"), {"author": person.slug})
        assert f"No author called “{person.slug}”." in answer.content.decode()
    for word in ["Hester", *words]:
        found = client.get(reverse("search:suggest"), {"q": word}).json()["suggestions"]
        assert found == [], word

    # Not vacuous: the crawl reached people's pages, and a published author is found.
    author = site["author"]
    crawled = "".join(page.text for page in pages)
    assert author.get_absolute_url() in crawled
    assert {page.kind[0] for page in pages} >= {"publications:person", "search:search"}
    suggested = client.get(reverse("search:suggest"), {"q": "Ada"}).json()["suggestions"]
    assert [s["label"] for s in suggested] == [author.name]


def test_pending_changes_to_live_content_never_appear(admin_client):
    from django.test import Client

    from policyhub.editorial.pending import pending_for
    from tests.admin_forms import change_form_data

    author = PersonFactory(slug="live-author", name="Live Author")
    newcomer = PersonFactory(slug="pending-author", name="Pending Newcomer")
    topic = TopicFactory(slug="live-topic")
    live = PublicationFactory(
        title="Live piece", authors=[author], topics=[topic], tags=["live-tag"]
    )
    option = PolicyOptionFactory(title="Live option", slug="live-option")
    url, data = change_form_data(admin_client, live)
    data.update(
        {
            "title": "Platypus pending title",
            "summary": "Wallaby pending summary",
            "body": "<p>Echidna pending body.</p>",
            "tags": "live-tag, pending-tag",
            "authorships-1-person": str(newcomer.pk),
            "authorships-1-order": "1",
            "authorships-TOTAL_FORMS": "2",
        }
    )
    assert admin_client.post(url, data).status_code == 302
    option_url, option_data = change_form_data(admin_client, option)
    admin_client.post(option_url, {**option_data, "title": "Quoll pending option"})
    assert pending_for(live) is not None
    assert pending_for(option) is not None
    secrets = [
        "Platypus pending title",
        "Wallaby pending summary",
        "Echidna pending body",
        ">pending-tag<",
        "/tags/pending-tag/",
        "Pending Newcomer",
        "Quoll pending option",
    ]
    # A search for a word only the pending version has finds nothing.
    searches = [
        f"{reverse(name)}?q={word}"
        for name in ("search:search", "search:suggest")
        for word in ("Platypus", "Wallaby", "Echidna", "Quoll", "pending-tag")
    ]

    client = Client()  # a reader: admin_client's login is on the default client
    list_url = reverse("publications:list")
    urls = [
        reverse("home"),
        list_url,
        f"{list_url}?tag=live-tag",
        f"{list_url}?author=live-author",
        live.get_absolute_url(),
        option.get_absolute_url(),
        reverse("options:list"),
        author.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("tag", args=["live-tag"]),
        *feed_urls(
            reverse("publications:feed"),
            reverse("publications:topic_feed", args=["live-topic"]),
            reverse("publications:person_feed", args=["live-author"]),
            reverse("tag_feed", args=["live-tag"]),
        ),
        reverse("publications:cite_bibtex", args=[live.slug]),
        reverse("publications:cite_ris", args=[live.slug]),
        reverse("sitemap"),
        *searches,
    ]
    for page in urls:
        response = client.get(page)
        assert response.status_code == 200, page
        content = response.content.decode()
        for secret in secrets:
            assert secret not in content, (page, secret)
        if page in searches:
            assert live.get_absolute_url() not in content, page
            assert option.get_absolute_url() not in content, page
    assert "Live piece" in client.get(live.get_absolute_url()).content.decode()
    assert client.get(reverse("tag", args=["pending-tag"])).status_code == 404
    assert client.get(newcomer.get_absolute_url()).status_code in (200, 404)
    assert "Live piece" not in client.get(newcomer.get_absolute_url()).content.decode()
    found = client.get(reverse("search:search") + "?q=live piece").content.decode()
    assert live.get_absolute_url() in found
