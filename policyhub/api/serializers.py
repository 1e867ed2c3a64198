"""JSON for what readers see: the fields of the reader pages, with stable ids, slugs and the
absolute URL of each item's HTML page."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from options.models import OptionSource, PolicyOption, PolicyQuestion
from policyhub.documents.models import PublicationDocument
from policyhub.editorial import datacache
from policyhub.editorial.rendering import render_rich_text
from publications.models import Person, Publication, PublicationType, Region, Topic

from . import querysets


class TrimmedSerializer(serializers.Serializer):
    """Keeps only the fields named in ``?fields=a,b`` (validated by the view)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.context.get("fields")
        if wanted:
            for name in set(self.fields) - set(wanted):
                self.fields.pop(name)


def origin(context):
    """The site's address ("https://example.org"), or "" without a request."""
    request = context.get("request")
    if request is None:
        return ""
    # Worked out once per request: a list holds a hundred or so addresses.
    found = getattr(request, "_page_url_origin", None)
    if found is None:
        found = request._page_url_origin = request.build_absolute_uri("/").rstrip("/")
    return found


class PageURLField(serializers.Field):
    """The absolute address of the item's reader page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return origin(self.context) + self.url_of(value)

    def url_of(self, value):
        return value.get_absolute_url()


PageURLField = extend_schema_field(OpenApiTypes.URI)(PageURLField)


class TagPageURLField(PageURLField):
    def url_of(self, value):
        return reverse("tag", args=[value.slug])


class TypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicationType
        fields = ["id", "slug", "name"]


class PersonBriefSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "url"]


class TopicBriefSerializer(PersonBriefSerializer):
    class Meta:
        model = Topic
        fields = ["id", "slug", "name", "url"]


class RegionBriefSerializer(PersonBriefSerializer):
    class Meta:
        model = Region
        fields = ["id", "slug", "name", "url"]


class TagSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = TagPageURLField()

    class Meta:
        model = Tag
        fields = ["id", "slug", "name", "url"]


class TagBriefSerializer(serializers.ModelSerializer):
    url = TagPageURLField()

    class Meta:
        model = Tag
        fields = ["id", "slug", "name", "url"]


class PublicationBriefSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = Publication
        fields = ["id", "slug", "title", "url", "published_at"]


class PublicationSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = PageURLField()
    type = TypeSerializer(source="publication_type")
    # Declared once rather than built per item in a method: a serializer works out its fields
    # when first used, which cost more than the rest of a list.
    authors = PersonBriefSerializer(source="ordered_authors", many=True, read_only=True)
    topics = TopicBriefSerializer(many=True)
    regions = RegionBriefSerializer(many=True)
    tags = TagBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "type",
            "summary",
            "published_at",
            "updated_at",
            "authors",
            "topics",
            "regions",
            "tags",
            "source_note",
            "source_url",
        ]


class RelatedSerializer(PublicationBriefSerializer):
    reason = serializers.CharField()

    class Meta:
        model = Publication
        fields = [*PublicationBriefSerializer.Meta.fields, "reason"]


class OptionBriefSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = PolicyOption
        fields = ["id", "slug", "title", "url"]


class ArguedOptionSerializer(serializers.ModelSerializer):
    """An option a publication argues about, with the publication's stance on it."""

    option = OptionBriefSerializer()

    class Meta:
        model = OptionSource
        fields = ["option", "stance", "quote", "note"]


class DownloadURLField(PageURLField):
    def url_of(self, value):
        return value.document.get_absolute_url()


class DocumentSerializer(serializers.ModelSerializer):
    """A document as the publication lists it: its label there, and the file's facts."""

    id = serializers.IntegerField(source="document.pk")
    label = serializers.CharField(source="get_label_display")
    title = serializers.CharField(source="document.title")
    type = serializers.CharField(
        source="document.content_type", help_text="The file's media type (application/pdf…)."
    )
    pages = serializers.SerializerMethodField(help_text="A PDF's pages; null for other types.")
    size = serializers.IntegerField(source="document.size", help_text="In bytes.")
    url = DownloadURLField(help_text="The file.")

    class Meta:
        model = PublicationDocument
        fields = ["id", "label", "title", "type", "pages", "size", "url"]

    def get_pages(self, attachment) -> int | None:
        return attachment.document.pages if attachment.document.is_pdf else None


class NoteSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    id = serializers.CharField(help_text="The note's anchor: the body's reference links to it.")
    ref_id = serializers.CharField(
        help_text="The id of the note's reference in the body, for a link back."
    )
    html = serializers.CharField(help_text="The note's text as HTML, its web addresses linked.")


class HeadingSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The heading's id in the body.")
    text = serializers.CharField()
    level = serializers.IntegerField(help_text="2 for h2, 3 for h3.")


class PublicationDetailSerializer(PublicationSerializer):
    body = serializers.SerializerMethodField(
        help_text="The text as the page shows it: sanitised HTML with heading ids, numbered "
        'note references (`<a href="#note-1" id="note-ref-1">`) and figures with their '
        "renditions, every address on this site absolute. The notes are in `notes`."
    )
    notes = serializers.SerializerMethodField(
        help_text="The body's footnotes in order, for a list after the text (or beside it)."
    )
    headings = serializers.SerializerMethodField(
        help_text="The body's h2 and h3 headings in order, for a table of contents."
    )
    related = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta(PublicationSerializer.Meta):
        fields = [
            *PublicationSerializer.Meta.fields,
            "body",
            "notes",
            "headings",
            "related",
            "options",
            "documents",
        ]

    def rendered(self, publication):
        # One rendering for the body, its notes and headings (a figure is a query).
        found = getattr(self, "_rendered", None)
        if found is None or found[0] != publication.pk:
            found = self._rendered = (
                publication.pk,
                render_rich_text(publication.body, origin(self.context)),
            )
        return found[1]

    @extend_schema_field(OpenApiTypes.STR)
    def get_body(self, publication):
        return str(self.rendered(publication).html)

    @extend_schema_field(NoteSerializer(many=True))
    def get_notes(self, publication):
        return NoteSerializer(self.rendered(publication).notes, many=True).data

    @extend_schema_field(HeadingSerializer(many=True))
    def get_headings(self, publication):
        return HeadingSerializer(self.rendered(publication).headings, many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, publication):
        # Its own attachments, prefetched by for_detail(): a document listed here is published
        # because this publication is (only published ones reach this serializer).
        return DocumentSerializer(
            publication.attached_documents, many=True, context=self.context
        ).data

    @extend_schema_field(RelatedSerializer(many=True))
    def get_related(self, publication):
        # The detail page's list, from its cache (ranking reads every publication sharing a
        # tag or topic).
        related = datacache.remember(
            f"related-publications:{publication.pk}",
            lambda: publication.related_publications(limit=4),
        )
        return RelatedSerializer(related, many=True, context=self.context).data

    @extend_schema_field(ArguedOptionSerializer(many=True))
    def get_options(self, publication):
        links = datacache.remember(
            f"api-argued-options:{publication.pk}",
            lambda: list(
                publication.option_links.filter(option__in=querysets.options()).select_related(
                    "option", "option__question"
                )
            ),
        )
        return ArguedOptionSerializer(links, many=True, context=self.context).data


class SourceSerializer(serializers.ModelSerializer):
    publication = PublicationBriefSerializer()

    class Meta:
        model = OptionSource
        fields = ["publication", "stance", "quote", "note"]


class QuestionBriefSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = PolicyQuestion
        fields = ["id", "slug", "title", "url"]


class NamedSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class OptionSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = PageURLField()
    question = QuestionBriefSerializer()
    track = NamedSerializer()
    actors = NamedSerializer(many=True)
    tags = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True, source="visible_sources")

    class Meta:
        model = PolicyOption
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "question",
            "track",
            "level",
            "timeframe",
            "real_world_status",
            "status_note",
            "status_date",
            "summary",
            "goals",
            "risks",
            "conditions",
            "actors",
            "tags",
            "sources",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, option):
        return TagSerializer(option.tags.all(), many=True, context=self.context).data


class QuestionSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = PageURLField()
    context = serializers.CharField(help_text="Sanitised HTML.")
    regions = RegionBriefSerializer(many=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = PolicyQuestion
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "summary",
            "context",
            "regions",
            "tags",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, question):
        return TagSerializer(question.tags.all(), many=True, context=self.context).data


class ProfileLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    label = serializers.CharField(source="display_label")


class PersonSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = PageURLField()
    expertise = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    languages = serializers.ListField(
        source="language_list", child=serializers.CharField(), read_only=True
    )
    # Only an address the person's record makes public; empty otherwise.
    email = serializers.EmailField(source="public_email", read_only=True)
    profile_links = ProfileLinkSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "slug",
            "url",
            "name",
            "kind",
            "role",
            "affiliation",
            "bio",
            "expertise",
            "languages",
            "email",
            "link",
            "profile_links",
        ]


class TopicSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = Topic
        fields = ["id", "slug", "url", "name", "description"]


class RegionSerializer(TrimmedSerializer, serializers.ModelSerializer):
    url = PageURLField()
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "slug", "url", "name", "description", "parent"]


class FoundInDocumentSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="How the publication lists it: Full report, Annex…")
    title = serializers.CharField()
    page = serializers.IntegerField(help_text="The page the search is found on, from 1.")
    snippet = serializers.CharField(help_text="HTML from that page: matched terms in <mark>.")
    url = serializers.SerializerMethodField(help_text="The PDF, opened at the page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, found):
        request = self.context.get("request")
        return request.build_absolute_uri(found.url) if request else found.url


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField(help_text="HTML: matched terms in <mark>.")
    snippet = serializers.CharField(help_text="HTML: matched terms in <mark>.")
    url = serializers.SerializerMethodField()
    date = serializers.DateTimeField()
    type_name = serializers.CharField()
    found_in = FoundInDocumentSerializer(
        allow_null=True,
        help_text="For a publication found by an attached document's text only: where.",
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, hit):
        request = self.context.get("request")
        return request.build_absolute_uri(hit.url) if request else hit.url


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetGroupSerializer(serializers.Serializer):
    param = serializers.CharField()
    label = serializers.CharField()
    options = FacetOptionSerializer(many=True)


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True)
    facets = FacetGroupSerializer(many=True)
