from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.functions import Substr, Upper
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from policyhub.editorial import datacache
from policyhub.editorial.preview import PreviewMixin

from . import citations
from .forms import PersonDirectoryForm, PublicationFilterForm
from .models import Authorship, Person, Publication, Region, Topic


class RememberedCountPaginator(Paginator):
    """A paginator whose total is kept in the data cache under ``count_name`` until the content
    changes: counting every published row is the largest query of a listing."""

    def __init__(self, *args, count_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self):
        return datacache.remember(self.count_name, lambda: Paginator.count.func(self), counts=True)


class PublishedListMixin:
    """Paginated lists of published publications: a page past the end or not a number is a 404
    (ListView's own behaviour); subclasses narrow ``publications()``."""

    paginate_by = settings.PAGE_SIZE
    context_object_name = "publications"

    def publications(self):
        return Publication.objects.published()

    def get_queryset(self):
        return self.publications().for_listing()

    def count_name(self):
        """What the total depends on besides the content."""
        raise NotImplementedError

    def get_paginator(self, queryset, per_page, **kwargs):
        return RememberedCountPaginator(
            queryset, per_page, count_name=f"publication-count:{self.count_name()}", **kwargs
        )


class PublicationListView(PublishedListMixin, ListView):
    template_name = "publications/publication_list.html"

    def get(self, request, *args, **kwargs):
        self.form = PublicationFilterForm(request.GET)
        return super().get(request, *args, **kwargs)

    def publications(self):
        if not self.form.is_valid():
            return Publication.objects.none()
        return self.form.filter(super().publications())

    def get_queryset(self):
        return super().get_queryset().order_by(*self.form.ordering)

    def count_name(self):
        return "list:" + self.form.facet_cache_name() if self.form.is_valid() else "list:invalid"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        if self.form.is_valid():
            context["facets"] = self.form.facets()
            context["active_filters"] = self.form.active_filters
        return context


class SubjectPublicationsView(PublishedListMixin, ListView):
    """A person, topic, region or tag page: the subject and its published publications."""

    subject_model = None
    subject_name = None

    def get_subject(self):
        return get_object_or_404(self.subject_model, slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().get(request, *args, **kwargs)

    def count_name(self):
        return f"{self.subject._meta.label_lower}:{self.subject.pk}"

    def get_context_data(self, **kwargs):
        kwargs.update({"subject": self.subject, self.subject_name: self.subject})
        return super().get_context_data(**kwargs)


class PublicationDetailView(DetailView):
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.published()

    def get_object(self, queryset=None):
        # Whether readers may see it is asked on every request, in one narrow query. The
        # publication with its authors, topics, tags and regions (five queries, half the page's
        # time) is kept for this version of it until any content changes.
        pk, updated_at = get_object_or_404(
            self.get_queryset().values_list("pk", "updated_at"), slug=self.kwargs["slug"]
        )
        return datacache.remember(
            f"publication-detail:{pk}:{updated_at.isoformat()}",
            lambda: get_object_or_404(Publication.objects.for_detail(), pk=pk),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["article"] = self.article()
        return context

    def article(self):
        """The page's body, the same for every reader: rendered once per version of the
        publication and site address (the citations hold the full URL) until the content
        changes, like a listing's cards. Half the page's rendering time."""
        request = self.request
        return datacache.remember(
            f"publication-article:{self.object.pk}:{self.object.updated_at.isoformat()}:"
            f"{request.scheme}://{request.get_host()}",
            lambda: render_article(self.article_context()),
        )

    def article_context(self):
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        work = self.object.as_citation(url, main_pdf_url(self.request, self.object))
        return {
            "publication": self.object,
            "page_url": url,
            # Ranking reads every publication sharing a tag or topic (half the archive for the
            # commonest tags): kept until the content changes, like the facet counts.
            "related_publications": datacache.remember(
                f"related-publications:{self.object.pk}",
                lambda: with_authors(self.object.related_publications(limit=4)),
            ),
            "citations": {
                "chicago": citations.as_html(citations.chicago_parts(work), ""),
                "apa": citations.as_html(citations.apa_parts(work), "em"),
            },
        }


def with_authors(publications):
    """``publications`` with their bylines, fetched for all of them in one query."""
    prefetch_related_objects(
        publications,
        Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
    )
    return publications


def main_pdf_url(request, publication):
    """The absolute URL of the publication's first PDF, or ""."""
    main = publication.main_pdf_attachment
    return request.build_absolute_uri(main.document.get_absolute_url()) if main else ""


def render_article(context):
    return render_to_string("publications/publication_article.html", context)


class PublicationPreviewView(PreviewMixin, PublicationDetailView):
    model = Publication

    def get_object(self, queryset=None):
        # By id, in any state, never from the cache.
        return DetailView.get_object(self, queryset)

    def article(self):
        return render_article(self.article_context())


class PersonDetailView(SubjectPublicationsView):
    subject_model = Person
    subject_name = "person"
    template_name = "publications/person_detail.html"

    def get_subject(self):
        # Nobody's page exists before their first published byline: not a bio under review.
        return get_object_or_404(
            Person.objects.visible().prefetch_related("expertise", "profile_links"),
            slug=self.kwargs["slug"],
        )

    def publications(self):
        return super().publications().by_author(self.subject)


class TopicDetailView(SubjectPublicationsView):
    subject_model = Topic
    subject_name = "topic"
    template_name = "publications/topic_detail.html"

    def publications(self):
        return super().publications().with_topic(self.subject)


class RegionDetailView(SubjectPublicationsView):
    subject_model = Region
    subject_name = "region"
    template_name = "publications/region_detail.html"

    def get_subject(self):
        # Three levels of ancestors in the same query keep the breadcrumb's cost fixed for
        # ordinary trees (continent > country > province).
        return get_object_or_404(
            Region.objects.select_related("parent__parent__parent"), slug=self.kwargs["slug"]
        )

    def publications(self):
        return super().publications().in_regions(self.subject.descendant_ids())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ancestors=self.subject.ancestors(), children=self.subject.children.all(), **kwargs
        )


def citation_download(render, extension, content_type):
    """A view sending the published publication's citation as a file; drafts are 404s."""

    @require_GET
    def view(request, slug):
        publication = get_object_or_404(Publication.objects.published().for_listing(), slug=slug)
        work = publication.as_citation(
            request.build_absolute_uri(publication.get_absolute_url()),
            main_pdf_url(request, publication),
        )
        response = HttpResponse(render(work), content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{publication.slug}.{extension}"'
        return response

    return view


cite_bibtex = citation_download(citations.bibtex, "bib", "application/x-bibtex")
cite_ris = citation_download(citations.ris, "ris", "application/x-research-info-systems")


def published_counts_by_topic():
    """{topic slug: published publications}, cached until the content changes (the home page
    shows the same counts)."""
    rows = datacache.remember(
        "home-topics", lambda: Publication.objects.count_published_by("topics"), counts=True
    )
    return {row["slug"]: row["count"] for row in rows}


class TopicIndexView(TemplateView):
    template_name = "publications/topic_index.html"

    def get_context_data(self, **kwargs):
        counts = published_counts_by_topic()
        topics = list(Topic.objects.only("name", "slug", "description"))
        for topic in topics:
            topic.count = counts.get(topic.slug, 0)
        return super().get_context_data(topics=topics, **kwargs)


class RegionIndexView(TemplateView):
    """Every region as a tree; a region's count includes its sub-regions, each publication once."""

    template_name = "publications/region_index.html"

    def get_context_data(self, **kwargs):
        rows = datacache.remember(
            "region-index-counts",
            lambda: Publication.objects.count_published_by_region(),
            counts=True,
        )
        counts = {row["slug"]: row["count"] for row in rows}
        regions = list(Region.objects.only("name", "slug", "parent_id"))
        children = {}
        for region in regions:
            region.count = counts.get(region.slug, 0)
            children.setdefault(region.parent_id, []).append(region)
        known = {region.pk for region in regions}
        seen = set()

        def attach(region):
            # Guarded like Region.ancestors(): a cycle saved by a script cannot loop forever.
            seen.add(region.pk)
            below = children.get(region.pk, [])
            region.subregions = [child for child in below if child.pk not in seen]
            for child in region.subregions:
                attach(child)
            return region

        roots = [attach(r) for r in regions if r.parent_id is None or r.parent_id not in known]
        return super().get_context_data(regions=roots, **kwargs)


class PersonDirectoryView(ListView):
    """The experts directory: people with published work, filtered, searched by name, A–Z."""

    template_name = "publications/person_directory.html"
    context_object_name = "people"
    paginate_by = 48

    def get(self, request, *args, **kwargs):
        self.form = PersonDirectoryForm(request.GET)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.form.is_valid():
            return Person.objects.none()
        return self.form.people().order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        if self.form.is_valid():
            context["facets"] = self.form.facets()
            context["active_filters"] = self.form.active_filters
            initials = set(
                self.form.people("letter")
                .annotate(initial=Upper(Substr("name", 1, 1)))
                .order_by()
                .values_list("initial", flat=True)
                .distinct()
            )
            chosen = self.form.active_filters.get("letter")
            context["letters"] = [
                {
                    "letter": letter,
                    "present": letter in initials,
                    "active": letter == chosen,
                    "query_string": self.form.query_string(
                        "letter", None if letter == chosen else letter
                    ),
                }
                for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            ]
        return context
