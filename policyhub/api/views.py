"""Read-only views over what readers may see (``querysets``), for partners and apps."""

from types import SimpleNamespace

from django.core.paginator import InvalidPage
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from policyhub.editorial import datacache
from policyhub.search.engine import search as run_search
from policyhub.search.forms import SearchForm
from publications.models import Publication

from . import querysets, serializers
from .conditional import LastModifiedMixin
from .filters import filter_options, filter_publications, filter_updated
from .pagination import BySlug, NewestFirst


def _param(name, description, type=str):
    return OpenApiParameter(name, type, OpenApiParameter.QUERY, description=description)


FIELDS = _param("fields", "Comma-separated field names to keep, e.g. `id,slug,title`.")
UPDATED_SINCE = _param(
    "updated_since", "Only items changed at or after this time (ISO 8601).", OpenApiTypes.DATETIME
)
PUBLICATION_FILTERS = [
    _param("type", "Publication type slug."),
    _param("topic", "Topic slug."),
    _param("region", "Region slug; its sub-regions are included."),
    _param("tag", "Tag slug."),
    _param("author", "Person slug."),
    _param("year", "Year of publication.", int),
    _param("sort", "`newest` (the default), `oldest` or `title` (A–Z), as on the list page."),
    UPDATED_SINCE,
    FIELDS,
]
OPTION_FILTERS = [
    _param("question", "Policy question slug."),
    _param("track", "Track slug."),
    _param("level", "Level, e.g. `governmental`."),
    _param("timeframe", "Timeframe, e.g. `immediate`."),
    _param("status", "Real-world status, e.g. `proposed`."),
    _param("tag", "Tag slug."),
    _param("actor", "Actor slug."),
    UPDATED_SINCE,
    FIELDS,
]


class ReadOnlyViewSet(
    LastModifiedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_field = "slug"
    # Slugs only: anything else (a NUL, which PostgreSQL refuses in a query) is no address.
    lookup_value_regex = r"[-\w]+"
    pagination_class = BySlug

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["fields"] = self.wanted_fields()
        return context

    def wanted_fields(self):
        raw = self.request.query_params.get("fields", "") if self.request else ""
        wanted = [name.strip() for name in raw.split(",") if name.strip()]
        if not wanted:
            return None
        known = self.get_serializer_class()().fields
        unknown = [name for name in wanted if name not in known]
        if unknown:
            shown = ", ".join(unknown)[:200]
            raise ValidationError(
                {"fields": [f"Unknown field {shown}. Choose from: {', '.join(known)}."]}
            )
        return wanted

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.shown = page or ()
        return page

    def get_object(self):
        item = super().get_object()
        self.shown = [item]
        return item

    def filter_queryset(self, queryset):
        if self.action == "list":
            return self.filter_list(queryset)
        return queryset

    def filter_list(self, queryset):
        return queryset


@extend_schema_view(
    list=extend_schema(parameters=PUBLICATION_FILTERS), retrieve=extend_schema(parameters=[FIELDS])
)
class PublicationViewSet(ReadOnlyViewSet):
    """Published publications, newest first (or oldest first, or by title: `sort`)."""

    pagination_class = NewestFirst
    cursor_ordering = None

    def get_queryset(self):
        published = querysets.publications()
        if self.action == "retrieve":
            return published.for_detail()
        # A list reads only what its page and cache keys need; the items come from items().
        return published.only("pk", "updated_at", "published_at")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        wanted = self.wanted_fields()
        items = [
            {name: value for name, value in item.items() if wanted is None or name in wanted}
            for item in self.items(page)
        ]
        return self.get_paginated_response(items)

    def items(self, page):
        """Each publication as JSON, kept per version of it and site address until any content
        changes, as the list page keeps its cards: serialising is most of a list's time."""
        origin = self.request.build_absolute_uri("/")
        names = {
            item.pk: f"api-publication:{item.pk}:{item.updated_at.isoformat()}:{origin}"
            for item in page
        }

        def serialise(missing):
            rows = Publication.objects.for_listing().prefetch_related("regions").in_bulk(missing)
            context = {"request": self.request}
            return {
                pk: dict(serializers.PublicationSerializer(rows[pk], context=context).data)
                for pk in missing
            }

        found = datacache.remember_many(names, serialise)
        return [found[item.pk] for item in page]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.PublicationDetailSerializer
        return serializers.PublicationSerializer

    def retrieve(self, request, *args, **kwargs):
        # As the detail page does: whether readers may see it in one narrow query; then its
        # JSON, kept per version of it and site address until any content changes.
        visible = get_object_or_404(
            self.get_queryset().values("pk", "updated_at", "published_at"),
            slug=self.kwargs["slug"],
        )
        pk, updated_at = visible["pk"], visible["updated_at"]
        self.shown = [SimpleNamespace(**visible)]
        wanted = self.wanted_fields()
        item = datacache.remember(
            f"api-publication-detail:{pk}:{updated_at.isoformat()}:"
            f"{request.build_absolute_uri('/')}",
            lambda: self.serialise(pk, updated_at),
        )
        return Response(
            {name: value for name, value in item.items() if wanted is None or name in wanted}
        )

    def serialise(self, pk, updated_at):
        # The detail page's cached publication, with its relations.
        publication = datacache.remember(
            f"publication-detail:{pk}:{updated_at.isoformat()}",
            lambda: get_object_or_404(Publication.objects.for_detail(), pk=pk),
        )
        context = {"request": self.request}
        return dict(serializers.PublicationDetailSerializer(publication, context=context).data)

    def filter_list(self, queryset):
        queryset, self.cursor_ordering = filter_publications(queryset, self.request.query_params)
        return queryset


@extend_schema_view(
    list=extend_schema(parameters=OPTION_FILTERS), retrieve=extend_schema(parameters=[FIELDS])
)
class OptionViewSet(ReadOnlyViewSet):
    """Policy options readers may see (published, under a published question)."""

    serializer_class = serializers.OptionSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return querysets.options().for_listing()

    def filter_list(self, queryset):
        return filter_options(queryset, self.request.query_params)


@extend_schema_view(
    list=extend_schema(parameters=[UPDATED_SINCE, FIELDS]),
    retrieve=extend_schema(parameters=[FIELDS]),
)
class QuestionViewSet(ReadOnlyViewSet):
    """Published policy questions."""

    serializer_class = serializers.QuestionSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return querysets.questions().for_detail()

    def filter_list(self, queryset):
        return filter_updated(queryset, self.request.query_params)


@extend_schema_view(
    list=extend_schema(parameters=[FIELDS]), retrieve=extend_schema(parameters=[FIELDS])
)
class PersonViewSet(ReadOnlyViewSet):
    """Authors of at least one published publication."""

    serializer_class = serializers.PersonSerializer

    def get_queryset(self):
        return querysets.people()


@extend_schema_view(
    list=extend_schema(parameters=[FIELDS]), retrieve=extend_schema(parameters=[FIELDS])
)
class TopicViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TopicSerializer

    def get_queryset(self):
        return querysets.topics()


@extend_schema_view(
    list=extend_schema(parameters=[FIELDS]), retrieve=extend_schema(parameters=[FIELDS])
)
class RegionViewSet(ReadOnlyViewSet):
    """Regions; ``parent`` (a slug) gives the tree."""

    serializer_class = serializers.RegionSerializer

    def get_queryset(self):
        return querysets.regions().select_related("parent")


@extend_schema_view(
    list=extend_schema(parameters=[FIELDS]), retrieve=extend_schema(parameters=[FIELDS])
)
class TagViewSet(ReadOnlyViewSet):
    """Tags on published publications or visible options."""

    serializer_class = serializers.TagSerializer

    def get_queryset(self):
        return querysets.tags()


ROOT_LINKS = {
    "publications": "api:publication-list",
    "options": "api:option-list",
    "questions": "api:question-list",
    "people": "api:person-list",
    "topics": "api:topic-list",
    "regions": "api:region-list",
    "tags": "api:tag-list",
    "search": "api:search",
    "schema": "api:schema",
    "docs": "api:docs",
}


class RootView(LastModifiedMixin, APIView):
    """What the API offers: a link to each resource, the search, the schema and its docs."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(url)) for name, url in ROOT_LINKS.items()}
        )


class SearchView(LastModifiedMixin, APIView):
    """The site search (`/search/`): same query language, filters, facets and ranking."""

    @extend_schema(
        parameters=[
            _param("q", 'Words, "quoted phrases", -exclusions and OR.'),
            _param("kind", "`publication`, `option` or `person`."),
            *PUBLICATION_FILTERS[:6],
            _param("sort", "`relevance` (default) or `date`."),
            _param("page", "Page number, from 1.", int),
        ],
        responses=serializers.SearchResultsSerializer,
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        data = form.cleaned_data
        try:
            results = run_search(
                data["q"], form.filters(), data["sort"] or "relevance", data["page"] or 1
            )
        except InvalidPage:
            raise NotFound("No such page of results.") from None
        page = results.page
        body = {
            "query": data["q"],
            "total": results.total,
            "page": page.number if page else 1,
            "pages": page.paginator.num_pages if page else 0,
            "results": list(page.object_list) if page else [],
            "facets": results.facets,
        }
        return Response(
            serializers.SearchResultsSerializer(body, context={"request": request}).data
        )
