"""Search benchmark: 100,000 publications, two-word queries rendered with facets.

Usage (a separate database, never the development one):
    DATABASE_URL=sqlite:////tmp/ph_bench.sqlite3 .venv/bin/python bench/search_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ph_bench .venv/bin/python bench/search_bench.py
    ... bench/search_bench.py --documents 20000   # with report PDFs' text attached

The first run generates the data (bulk_create, then the same rebuild that
``manage.py rebuild_search_index`` runs); later runs reuse it, and generate only what a larger
``--publications`` or ``--documents`` asks for. Timings are for the whole
``GET /search/?q=...`` through Django's test client: form, four-ish queries, template.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ph_bench.sqlite3")
# A cache of this process's own: every query is timed the first time it is asked, never served
# from pages an earlier run left in the project's file cache.
os.environ.setdefault("CACHE_URL", "locmemcache://")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402
from tqdm import tqdm  # noqa: E402

from policyhub.documents.models import Document, PublicationDocument  # noqa: E402
from policyhub.search.indexing import rebuild  # noqa: E402
from publications.models import (  # noqa: E402
    Authorship,
    Person,
    Publication,
    PublicationType,
    Region,
    TaggedPublication,
    Topic,
)

SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "su",
    "ten",
    "lav",
    "or",
    "pel",
    "din",
    "ast",
    "ru",
    "vek",
    "mi",
    "sol",
    "tar",
    "nem",
    "bo",
    "qui",
    "zan",
    "fe",
]
BATCH = 5000
RESULT_COUNT = re.compile(r"(\d+) results? for")


def vocabulary(rng, size=6000):
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Zipf:
    """Word ranks drawn with frequency ~ 1/rank, as in natural text."""

    def __init__(self, rng, words):
        self.rng, self.words = rng, words
        self.weights = [1 / (rank + 1) for rank in range(len(words))]

    def sample(self, k):
        return self.rng.choices(self.words, weights=self.weights, k=k)


def generate(count, rng):
    words = vocabulary(rng)
    zipf = Zipf(rng, words)
    now = datetime.now(UTC)
    types = [
        PublicationType.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
        for slug in ("analysis", "special-report", "brief", "interview", "data")
    ]
    topics = Topic.objects.bulk_create(
        [Topic(name=f"Topic {w}", slug=f"topic-{w}") for w in words[100:140]]
    )
    parents = Region.objects.bulk_create(
        [Region(name=f"Region {w}", slug=f"region-{w}") for w in words[200:208]]
    )
    regions = parents + Region.objects.bulk_create(
        [
            Region(name=f"Area {w}", slug=f"area-{w}", parent=rng.choice(parents))
            for w in words[210:250]
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"{w.title()} {v.title()}", slug=f"person-{i}", bio=" ".join(zipf.sample(30))
            )
            for i, (w, v) in enumerate(zip(words[300:2300], words[2300:4300], strict=True))
        ]
    )
    tags = Tag.objects.bulk_create([Tag(name=f"tag {w}", slug=f"tag-{w}") for w in words[500:800]])
    for start in tqdm(range(0, count, BATCH), desc="Publications", disable=None):
        size = min(BATCH, count - start)
        publications = Publication.objects.bulk_create(
            [
                Publication(
                    title=" ".join(zipf.sample(rng.randint(4, 10))).capitalize(),
                    slug=f"bench-{start + i}",
                    publication_type=rng.choice(types),
                    summary=" ".join(zipf.sample(30)),
                    body="".join(f"<p>{' '.join(zipf.sample(60))}</p>" for _ in range(5)),
                    status="draft" if rng.random() < 0.05 else "published",
                    published_at=now - timedelta(days=rng.randint(0, 15 * 365)),
                )
                for i in range(size)
            ]
        )
        links = [(p, rng.sample(people, rng.randint(1, 3))) for p in publications]
        Authorship.objects.bulk_create(
            [
                Authorship(publication=p, person=a, order=n)
                for p, a_list in links
                for n, a in enumerate(a_list)
            ]
        )
        Publication.topics.through.objects.bulk_create(
            [
                Publication.topics.through(publication=p, topic=t)
                for p in publications
                for t in rng.sample(topics, rng.randint(1, 3))
            ]
        )
        Publication.regions.through.objects.bulk_create(
            [
                Publication.regions.through(publication=p, region=r)
                for p in publications
                for r in rng.sample(regions, rng.randint(1, 2))
            ]
        )
        TaggedPublication.objects.bulk_create(
            [
                TaggedPublication(content_object=p, tag=t)
                for p in publications
                for t in rng.sample(tags, rng.randint(2, 5))
            ]
        )
    return words


# A generated document: 3 to 12 pages of Zipf text, a page about as long as a report's.
PAGES = (3, 12)
PAGE_WORDS = 250
# Share of documents attached to a draft only, and of the others attached to a second
# publication as well (an annex shared by two pieces).
DRAFT_ONLY = 0.1
SHARED = 0.1
# A word no generated text holds, written on a late page of every draft-only document: a search
# for it must find nothing.
DRAFT_WORD = "draftonlyzq"


def generate_documents(count, rng):
    """Documents with page texts, attached to publications as the admin inline would attach
    them; the search index gets them from the rebuild that follows, as in production."""
    zipf = Zipf(rng, vocabulary(random.Random(rng.random())))
    published = list(Publication.objects.filter(status="published").values_list("pk", flat=True))
    drafts = list(Publication.objects.exclude(status="published").values_list("pk", flat=True))
    first = Document.objects.count()
    for start in tqdm(range(0, count, BATCH // 10), desc="Documents", disable=None):
        size = min(BATCH // 10, count - start)
        documents, owners = [], []
        for i in range(first + start, first + start + size):
            pages = [" ".join(zipf.sample(PAGE_WORDS)) for _ in range(rng.randint(*PAGES))]
            draft_only = drafts and rng.random() < DRAFT_ONLY
            if draft_only:
                pages[-1] += f" {DRAFT_WORD}"
                owners.append([rng.choice(drafts)])
            else:
                owners.append(rng.sample(published, 2 if rng.random() < SHARED else 1))
            documents.append(
                Document(
                    file=f"bench/document-{i}.pdf",
                    title=" ".join(zipf.sample(rng.randint(3, 8))).capitalize(),
                    description=" ".join(zipf.sample(20)),
                    pages=len(pages),
                    size=sum(map(len, pages)) * 3,
                    sha256=f"{i:064x}",
                    page_texts=pages,
                )
            )
        documents = Document.objects.bulk_create(documents)
        PublicationDocument.objects.bulk_create(
            [
                PublicationDocument(publication_id=owner, document=document)
                for document, publication_ids in zip(documents, owners, strict=True)
                for owner in publication_ids
            ]
        )


def document_phrases(rng, count):
    """Three words in a row from a page of a document a published publication lists: quoted,
    a search only that document may explain."""
    ids = list(
        PublicationDocument.objects.filter(publication__status="published")
        .order_by("document_id")
        .values_list("document_id", flat=True)
        .distinct()
    )
    phrases = []
    for document_id in rng.sample(ids, min(count, len(ids))):
        page = rng.choice(Document.objects.get(pk=document_id).page_texts).split()
        at = rng.randrange(len(page) - 3)
        phrases.append(f'"{" ".join(page[at : at + 3])}"')
    return phrases


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument(
        "--documents",
        type=int,
        default=0,
        help="report PDFs' text attached to publications (the figure uses 20,000)",
    )
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reindex", action="store_true", help="rebuild the index first")
    parser.add_argument("--no-queries", action="store_true", help="only generate the data")
    parser.add_argument(
        "--only",
        choices=("search", "suggest", "spelling"),
        help="time only the search pages, the suggestions or the misspelled searches",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)

    call_command("migrate", verbosity=0)
    missing = args.publications - Publication.objects.count()
    missing_documents = args.documents - Document.objects.count()
    if missing > 0 or missing_documents > 0:
        started = time.perf_counter()
        with transaction.atomic():
            if missing > 0:
                generate(missing, rng)
            if missing_documents > 0:
                generate_documents(missing_documents, rng)
        print(f"generated in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        rebuild(progress=None)
        print(f"indexed in {time.perf_counter() - started:.0f} s")
    elif args.reindex:
        started = time.perf_counter()
        rebuild(progress=None)
        print(f"indexed in {time.perf_counter() - started:.0f} s")
    if args.no_queries:
        return
    words = vocabulary(random.Random(args.seed))

    client = Client()
    query_rng = random.Random(args.seed + 1)
    client.get("/search/", {"q": words[0]})  # warm caches and templates
    if args.only in (None, "search"):
        # Two words from the commonest 2,000 (Zipf ranks), then a worst case from the top 50,
        # whose match sets run into the tens of thousands.
        for label, pool in (("two words, top 2,000", 2000), ("two words, top 50", 50)):
            queries = [" ".join(query_rng.sample(words[:pool], 2)) for _ in range(args.queries)]
            run(client, label, queries)
        if Document.objects.exists():
            run(client, "a phrase from a document", document_phrases(query_rng, args.queries))
            check_draft_documents(client)
    if args.only in (None, "suggest"):
        run_suggest(client, words, query_rng, args.queries)
    if args.only in (None, "spelling"):
        run_spelling(client, words, query_rng, args.queries)


def run_suggest(client, words, rng, count):
    """``GET /search/suggest/?q=…`` for what a reader has typed so far: the first 3 to 6 letters
    of a word from the commonest 2,000, alone or after a whole word."""
    prefixes = []
    for _ in range(count):
        word = rng.choice(words[:2000])
        prefix = word[: rng.randint(3, 6)]
        prefixes.append(prefix if rng.random() < 0.7 else f"{rng.choice(words[:200])} {prefix}")
    client.get("/search/suggest/", {"q": prefixes[0]})
    timings, found = [], []
    for prefix in prefixes:
        started = time.perf_counter()
        response = client.get("/search/suggest/", {"q": prefix})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (prefix, response.status_code)
        found.append(len(response.json()["suggestions"]))
    print(
        f"{connection.vendor}, {Publication.objects.count()} publications, suggest: "
        f"{count} prefixes, suggestions median {statistics.median(found):.0f}"
    )
    print(
        f"  suggest ms: p50 {percentile(timings, 0.5):.1f}  p95 {percentile(timings, 0.95):.1f}  "
        f"max {max(timings):.1f}"
    )


def misspelled(word, rng):
    """The word with two neighbouring letters swapped, or one letter dropped or doubled."""
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("swap", "drop", "double"))
    if edit == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def run_spelling(client, words, rng, count):
    """ "Did you mean": whole ``GET /search/?q=…`` pages for a common word and a misspelled one
    (no result, so the correction is looked for), each query new to the data cache. Reported
    with the time of the same pages spelled right, to show what the correction adds."""
    known = set(words)
    pairs = []
    while len(pairs) < count:
        good, other = rng.sample(words[50:2000], 2)
        typo = misspelled(good, rng)
        if len(good) >= 6 and typo not in known:
            pairs.append((f"{other} {typo}", f"{other} {good}"))
    for label, queries in (
        ("misspelled", [typo for typo, _ in pairs]),
        ("spelled right", [right for _, right in pairs]),
    ):
        timings, corrected = [], 0
        for q in queries:
            started = time.perf_counter()
            response = client.get("/search/", {"q": q})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (q, response.status_code)
            corrected += "Did you mean" in response.content.decode()
        print(
            f"{connection.vendor}, {Publication.objects.count()} publications, {label}: "
            f"{count} searches, {corrected} offered a correction"
        )
        print(
            f"  page ms: p50 {percentile(timings, 0.5):.1f}  p95 {percentile(timings, 0.95):.1f}  "
            f"max {max(timings):.1f}"
        )


def check_draft_documents(client):
    """A document attached only to drafts is never found."""
    response = client.get("/search/", {"q": DRAFT_WORD})
    assert response.status_code == 200
    found = int(RESULT_COUNT.search(response.content.decode())[1])
    assert found == 0, f"{found} results for the text of documents only drafts list"
    print("  a word only drafts' documents hold: 0 results")


def run(client, label, queries):
    timings, totals, query_counts, pages_named = [], [], [], 0
    for q in queries:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/search/", {"q": q})
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (q, response.status_code)
        html = response.content.decode()
        totals.append(int(RESULT_COUNT.search(html)[1]))
        query_counts.append(len(captured))
        pages_named += html.count("Found on <a")
    documents = Document.objects.count()
    print(
        f"{connection.vendor}, {Publication.objects.count()} publications"
        f"{f', {documents} documents' if documents else ''}, {label}: "
        f"{len(queries)} queries, results min {min(totals)} / median "
        f"{statistics.median(totals):.0f} / max {max(totals)}, SQL per page {max(query_counts)}"
        f"{f', hits naming a page {pages_named}' if documents else ''}"
    )
    print(
        f"  page ms: p50 {percentile(timings, 0.5):.1f}  p95 {percentile(timings, 0.95):.1f}  "
        f"max {max(timings):.1f}"
    )


if __name__ == "__main__":
    main()
