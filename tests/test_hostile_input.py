"""Hostile input never gives a 500 on a public URL, and whatever is echoed back is escaped.

Hypothesis builds query strings (every GET parameter each page reads, plus junk names, repeated
parameters and raw percent garbage) and path slugs, against the demo content.
"""

from io import StringIO
from urllib.parse import quote, urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from options.models import PolicyOption, PolicyQuestion, Track
from publications.models import Person, Publication, Region, Topic

pytestmark = pytest.mark.django_db

ALLOWED = {200, 301, 302, 400, 404}
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Markers that only appear in a body if a value was echoed without escaping (the pages' own
# scripts are files under /static/; the CSP forbids inline ones).
RAW_MARKERS = ["<script>", "<img src=x onerror"]

NASTY = [
    "",
    "\x00",
    "a\x00b",
    "\x01\x08\x0b\x1b[31m\x7f",
    "x" * 10_000,
    "🕊️" * 20,
    "朝鲜半岛",
    "مفاوضات",
    "Ωμέγα",
    "%",
    "%00",
    "%zz",
    "100%",
    "'\"`",
    SCRIPT,
    IMG,
    "-1",
    "0",
    "-99999999999999999999",
    "9" * 5_000,
    "1e309",
    "NaN",
    "1.5",
    "٢٠٢٤",
    "last",
    " ",
    ",",
    "a,,b,",
    "\u202egnp.exe",
    "\ufeff",
    "../../etc/passwd",
    "abc\n",
]
FILTERS_PUBLICATIONS = ["type", "topic", "region", "tag", "author", "year", "page"]
FILTERS_OPTIONS = ["question", "track", "level", "timeframe", "status", "tag", "actor", "page"]
FILTERS_API = ["fields", "cursor", "page_size", "updated_since"]
RAW_QUERIES = [
    "%",
    "%%",
    "%zz=%zz",
    "page=%ff%fe",
    "=",
    "&&&",
    "a=1&a=2&a",
    "%00=%00",
    "tag=%C0%AF",
]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    publication = Publication.objects.published().first()
    topic = Topic.objects.filter(publications__in=Publication.objects.published()).first()
    return {
        "pages": {
            reverse("home"): [],
            reverse("publications:list"): FILTERS_PUBLICATIONS,
            reverse("options:list"): FILTERS_OPTIONS,
            reverse("options:matrix"): FILTERS_OPTIONS,
            reverse("options:compare"): ["options"],
            reverse("options:questions"): ["page"],
            PolicyQuestion.objects.published().first().get_absolute_url(): [],
            PolicyOption.objects.visible().first().get_absolute_url(): [],
            publication.get_absolute_url(): [],
            publication.authors.first().get_absolute_url(): ["page"],
            topic.get_absolute_url(): ["page"],
            publication.regions.first().get_absolute_url(): ["page"],
            reverse("tag", args=[publication.tags.first().slug]): ["page"],
            reverse("publications:feed"): [],
            reverse("publications:atom_feed"): [],
            reverse("publications:topic_feed", args=[topic.slug]): [],
            reverse("tag_feed", args=[publication.tags.first().slug]): [],
            reverse("publications:cite_bibtex", args=[publication.slug]): [],
            reverse("publications:cite_ris", args=[publication.slug]): [],
            reverse("search:search"): ["q", "page"],
            reverse("sitemap"): ["p"],
            reverse("robots_txt"): [],
            "/api/v1/publications/": [*FILTERS_PUBLICATIONS, *FILTERS_API, "updated_since"],
            "/api/v1/options/": [*FILTERS_OPTIONS, *FILTERS_API],
            "/api/v1/questions/": FILTERS_API,
            "/api/v1/tags/": FILTERS_API,
            "/api/v1/search/": ["q", "page", "kind", "sort", "topic", "year"],
        },
        # Real values too, so hostile values also meet valid ones (and valid combinations).
        "real": [
            *Publication.objects.published().values_list("slug", flat=True)[:3],
            *PolicyOption.objects.visible().values_list("slug", flat=True)[:4],
            *Topic.objects.values_list("slug", flat=True)[:2],
            *Region.objects.values_list("slug", flat=True)[:2],
            *Person.objects.values_list("slug", flat=True)[:2],
            *Track.objects.values_list("slug", flat=True)[:2],
            *publication.tags.values_list("slug", flat=True),
            "governmental",
            "near-term",
            "proposed",
            "analysis-and-commentary",
            "2",
            str(publication.published_at.year),
        ],
    }


def values(real):
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(real),
        st.text(max_size=40),
        st.integers().map(str),
        st.lists(st.sampled_from(real + NASTY[:12]), min_size=2, max_size=6).map(",".join),
    )


def assert_safe(response, url):
    assert response.status_code in ALLOWED, (url[:300], response.status_code)
    body = response.content.decode(errors="replace").lower()
    for marker in RAW_MARKERS:
        assert marker not in body, (url[:300], marker)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_query_strings_never_give_a_500(client, demo, data):
    pages = demo["pages"]
    url = data.draw(st.sampled_from(sorted(pages)), label="url")
    names = st.sampled_from([*pages[url], "junk", SCRIPT, "page"])
    query = data.draw(st.lists(st.tuples(names, values(demo["real"])), max_size=5), label="query")
    target = f"{url}?{urlencode(query)}"
    if data.draw(st.booleans(), label="raw garbage"):
        target += "&" + data.draw(st.sampled_from(RAW_QUERIES))
    assert_safe(client.get(target), target)


PATHS = [
    "/publications/{}/",
    "/options/{}/",
    "/options/questions/{}/",
    "/people/{}/",
    "/topics/{}/",
    "/topics/{}/feed/",
    "/regions/{}/",
    "/regions/{}/feed/atom/",
    "/people/{}/feed/",
    "/tags/{}/",
    "/tags/{}/feed/",
    "/options/questions/{}/feed/",
    "/publications/{}/cite.bib",
    "/publications/{}/cite.ris",
    "/publications/{}",  # no trailing slash: a redirect or a 404
    "/api/v1/publications/{}/",
    "/api/v1/options/{}/",
    "/api/v1/people/{}/",
    "/api/v1/regions/{}/",
    "/api/v1/tags/{}/",
]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(PATHS),
    slug=st.one_of(st.sampled_from(NASTY[1:]), st.text(min_size=1, max_size=60)),
    encode=st.booleans(),
)
def test_hostile_path_slugs_never_give_a_500(client, demo, pattern, slug, encode):
    # Encoded, every character reaches the URL resolver; raw, "/", "?" and "#" reshape the URL.
    path = pattern.format(quote(slug, safe="") if encode else quote(slug, safe="/?#%"))
    assert_safe(client.get(path), path)


def test_every_nasty_value_in_every_parameter(client, demo):
    for url, params in demo["pages"].items():
        # Not vacuous: each page renders without parameters.
        assert client.get(url).status_code == 200, url
        if not params:
            continue
        # Each value in every parameter at once (each field is validated on its own), then all
        # values repeated in one request.
        for value in NASTY:
            target = f"{url}?{urlencode(dict.fromkeys(params, value))}"
            assert_safe(client.get(target), target)
        repeated = [(param, value) for param in params for value in NASTY]
        assert_safe(client.get(f"{url}?{urlencode(repeated)}"), url)
    # A refused value is echoed, escaped.
    html = client.get(reverse("publications:list"), {"topic": SCRIPT}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(reverse("options:list"), {"tag": IMG}).content.decode()
    assert "No tag called" in html
    html = client.get(reverse("options:compare"), {"options": f"a,{SCRIPT}"}).content.decode()
    assert "&lt;script&gt;" in html
