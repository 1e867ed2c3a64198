"""factory-boy factories for every model. Published content is the default; drafts are explicit."""

import contextlib
import functools
from datetime import timedelta
from io import BytesIO

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image, ImageCms, PngImagePlugin

from options.models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track
from policyhub.documents.models import Document, PublicationDocument
from policyhub.editorial.models import LibraryImage, OldSlug, SiteSettings, SocialLink
from policyhub.pages.models import HomeSlot, Menu, MenuItem, Page, Redirect
from policyhub.search.models import Synonym
from publications.models import (
    Authorship,
    Expertise,
    Person,
    ProfileLink,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    Topic,
)
from tests.pdfs import make_pdf


class BaseFactory(DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"person-{n}")
    role = "Senior fellow"
    affiliation = "Institute for Peace Studies"
    bio = factory.Faker("paragraph")


class ExpertiseFactory(BaseFactory):
    class Meta:
        model = Expertise
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Expertise {n}")
    slug = factory.Sequence(lambda n: f"expertise-{n}")


class ProfileLinkFactory(BaseFactory):
    class Meta:
        model = ProfileLink

    person = factory.SubFactory(PersonFactory)
    url = factory.Sequence(lambda n: f"https://example.org/profile-{n}")


class TopicFactory(BaseFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class RegionFactory(BaseFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class PublicationTypeFactory(BaseFactory):
    class Meta:
        model = PublicationType
        django_get_or_create = ("slug",)

    name = "Analysis and Commentary"
    slug = "analysis-and-commentary"


class PublicationFactory(BaseFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"Publication number {n}")
    slug = factory.Sequence(lambda n: f"publication-{n}")
    publication_type = factory.SubFactory(PublicationTypeFactory)
    summary = factory.Faker("sentence", nb_words=20)
    body = "<p>Body text for the publication.</p>"
    status = Publication.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Publication.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Publication.Status.REVIEW, published_at=None)
        # Taken down after being live: its old publish time is in the past.
        unpublished = factory.Trait(status=Publication.Status.UNPUBLISHED)
        scheduled = factory.Trait(
            status=Publication.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        for order, person in enumerate(extracted or []):
            Authorship.objects.create(publication=self, person=person, order=order)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if extracted:
            self.regions.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def related(self, create, extracted, **kwargs):
        for order, other in enumerate(extracted or []):
            RelatedPublication.objects.create(
                from_publication=self, to_publication=other, order=order
            )


class TrackFactory(BaseFactory):
    class Meta:
        model = Track

    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")
    order = factory.Sequence(lambda n: n)


class ActorFactory(BaseFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")


class PolicyQuestionFactory(BaseFactory):
    class Meta:
        model = PolicyQuestion

    title = factory.Sequence(lambda n: f"How should policy question {n} be answered?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    summary = factory.Faker("sentence")
    status = PolicyQuestion.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=PolicyQuestion.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=PolicyQuestion.Status.REVIEW, published_at=None)
        # Taken down after being live: its old publish time is in the past.
        unpublished = factory.Trait(status=PolicyQuestion.Status.UNPUBLISHED)


class PolicyOptionFactory(BaseFactory):
    class Meta:
        model = PolicyOption

    title = factory.Sequence(lambda n: f"Policy option {n}")
    slug = factory.Sequence(lambda n: f"option-{n}")
    question = factory.SubFactory(PolicyQuestionFactory)
    track = factory.SubFactory(TrackFactory)
    level = PolicyOption.Level.GOVERNMENTAL
    timeframe = PolicyOption.Timeframe.IMMEDIATE
    summary = factory.Faker("sentence", nb_words=15)
    status = PolicyOption.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=PolicyOption.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=PolicyOption.Status.REVIEW, published_at=None)
        # Taken down after being live: its old publish time is in the past.
        unpublished = factory.Trait(status=PolicyOption.Status.UNPUBLISHED)
        scheduled = factory.Trait(
            status=PolicyOption.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )

    @factory.post_generation
    def actors(self, create, extracted, **kwargs):
        if extracted:
            self.actors.set(extracted)

    @factory.post_generation
    def prerequisites(self, create, extracted, **kwargs):
        if extracted:
            self.prerequisites.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.set(extracted)


class OptionSourceFactory(BaseFactory):
    class Meta:
        model = OptionSource

    option = factory.SubFactory(PolicyOptionFactory)
    publication = factory.SubFactory(PublicationFactory)
    stance = OptionSource.Stance.PROPOSES


class SynonymFactory(BaseFactory):
    class Meta:
        model = Synonym

    terms = factory.Sequence(lambda n: f"term{n}, other term {n}")


IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP", "gif": "GIF", "bmp": "BMP"}


def image_file(name="picture.png", size=(40, 30), colour="navy", format=None):
    """A small real image made in memory, as an upload; the format follows the name's extension
    unless given."""
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format or IMAGE_FORMATS[name.rsplit(".", 1)[-1]])
    return SimpleUploadedFile(name, buffer.getvalue())


class OldSlugFactory(BaseFactory):
    class Meta:
        model = OldSlug

    kind = OldSlug.Kind.TOPIC
    slug = factory.Sequence(lambda n: f"old-slug-{n}")
    object_id = 1


# What a phone or camera writes into a photo, and must not reach the stored original.
PHOTO_GPS = {1: "N", 2: (64.0, 8.0, 30.0), 3: "W", 4: (21.0, 56.0, 15.0)}
PHOTO_SECRETS = (b"Ana Ortiz", b"SN-4417-XQ", b"at the harbour", b"http://ns.adobe.com/xap")
PHOTO_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Ana Ortiz"/></rdf:RDF>'
    b"</x:xmpmeta>"
)


def photo_exif(orientation=None):
    exif = Image.Exif()
    exif[0x013B] = "Ana Ortiz"  # Artist
    exif[0x010F] = "Camera maker"
    exif[0x8769] = {0xA431: "SN-4417-XQ"}  # Exif IFD: body serial number
    exif[0x8825] = PHOTO_GPS  # GPSInfo IFD
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


@functools.cache
def icc_profile():
    # Once: the profile's header holds its creation time, to the second.
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def gradient(size):
    """Pixels that differ everywhere, so "the same pixels" means something."""
    red, green = Image.linear_gradient("L"), Image.radial_gradient("L")
    return Image.merge("RGB", [red, green, red.rotate(90)]).resize(size)


def photo_with_metadata(name="field.jpg", size=(300, 200), orientation=None, **options):
    """An upload carrying everything in ``PHOTO_SECRETS``: EXIF (GPS position, author, camera
    serial), XMP and a comment (JPEG, GIF) or text chunks (PNG), with an ICC profile (not GIF).
    The format follows the name's extension."""
    format = IMAGE_FORMATS[name.rsplit(".", 1)[-1]]
    image = gradient(size)
    buffer = BytesIO()
    if format == "GIF":
        image.quantize().save(buffer, "GIF", comment=b"at the harbour", **options)
    elif format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Ana Ortiz")
        text.add_text("Serial", "SN-4417-XQ", zip=True)
        text.add_itxt("Comment", "at the harbour")
        text.add_itxt("XML:com.adobe.xmp", PHOTO_XMP.decode())
        text.add(b"tIME", bytes.fromhex("07EA0B1A050607"))
        image.save(
            buffer, "PNG", exif=photo_exif(orientation), icc_profile=icc_profile(), pnginfo=text
        )
    else:
        extra = {"comment": b"at the harbour"} if format == "JPEG" else {}
        image.save(
            buffer,
            format,
            exif=photo_exif(orientation),
            xmp=PHOTO_XMP,
            icc_profile=icc_profile(),
            **extra,
            **options,
        )
    return SimpleUploadedFile(name, buffer.getvalue())


# Lines of the interchange format (docs/interchange.md), for import tests: a complete, valid
# record; keyword arguments replace or add fields.


CHART_KEY = "0b6f2a52-3c1d-4e8f-9a47-5d2c8e1f7a10"


def library_image_line(key=CHART_KEY, file="images/chart.png", **fields):
    return {
        "kind": "image",
        "key": key,
        "title": "Exports chart",
        "file": file,
        "alt": "Exports fell by half.",
        "caption": "Exports, 2015–2020.",
        "credit": "Data: KOTRA",
        **fields,
    }


def figure(key=CHART_KEY):
    return f'<figure data-image="{key}"></figure>'


def publication_line(slug="first", **fields):
    return {
        "kind": "publication",
        "slug": slug,
        "title": f"Title of {slug}",
        "type": "Report",
        "summary": f"Summary of {slug}",
        "body": "<p>Body</p>",
        "status": "published",
        "published": "2024-03-01T09:30:00Z",
        "authors": [{"name": "Ann Author", "bio": "Writes."}],
        "topics": ["Sanctions"],
        "regions": ["Korea"],
        "tags": ["North Korea"],
        "source": None,
        "related": [],
        **fields,
    }


def option_line(slug="opt", **fields):
    return {
        "kind": "option",
        "slug": slug,
        "title": f"Option {slug}",
        "question": "How to engage?",
        "track": "Track 1",
        "level": "governmental",
        "timeframe": "near-term",
        "summary": f"Summary of {slug}",
        "description": "<p>Do it</p>",
        "status": "published",
        "actors": ["UN"],
        "prerequisites": [],
        "tags": ["Diplomacy"],
        "sources": [],
        **fields,
    }


class PageFactory(BaseFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    summary = "What this page is about."
    body = "<p>Page body.</p>"
    status = Page.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Page.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Page.Status.REVIEW, published_at=None)
        unpublished = factory.Trait(status=Page.Status.UNPUBLISHED)
        scheduled = factory.Trait(
            status=Page.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )


class MenuFactory(BaseFactory):
    class Meta:
        model = Menu
        django_get_or_create = ("place",)

    place = Menu.Place.FOOTER


class MenuItemFactory(BaseFactory):
    class Meta:
        model = MenuItem

    menu = factory.SubFactory(MenuFactory)
    order = factory.Sequence(lambda n: n)


class HomeSlotFactory(BaseFactory):
    """Pass at most one target: publication, option, question or page (a new publication if
    none is given)."""

    class Meta:
        model = HomeSlot

    order = factory.Sequence(lambda n: n)
    option = None
    question = None
    page = None
    publication = factory.Maybe(
        factory.LazyAttribute(lambda slot: not (slot.option or slot.question or slot.page)),
        yes_declaration=factory.SubFactory(PublicationFactory),
        no_declaration=None,
    )


class RedirectFactory(BaseFactory):
    class Meta:
        model = Redirect

    old_path = factory.Sequence(lambda n: f"/old/page-{n}.html")
    page = factory.SubFactory(PageFactory)


@contextlib.contextmanager
def files_in(root):
    """Media and documents stored under ``root`` while it lasts, as tests/conftest.py's
    ``_media_in_tmp`` does for one test: for data a module-scoped fixture makes."""
    documents = settings.STORAGES["documents"]
    storages = {
        **settings.STORAGES,
        "documents": {
            **documents,
            "OPTIONS": {**documents["OPTIONS"], "location": root / "documents"},
        },
    }
    with override_settings(
        MEDIA_ROOT=root / "media", DOCUMENTS_ROOT=root / "documents", STORAGES=storages
    ):
        yield


@contextlib.contextmanager
def made_for_module(make, django_db_blocker, root):
    """What ``make()`` returns, made once for a module-scoped fixture: in a transaction rolled
    back at its end, files under ``root``. Each test runs in a savepoint inside it, so what a
    test writes is gone before the next one, as with a per-test fixture."""
    with django_db_blocker.unblock(), files_in(root), transaction.atomic():
        yield make()
        transaction.set_rollback(True)


def pdf_upload(pages=("Hello world",), name="report.pdf", **kwargs):
    return SimpleUploadedFile(name, make_pdf(pages, **kwargs), content_type="application/pdf")


class DocumentFactory(BaseFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Report number {n}")
    file = factory.LazyFunction(lambda: pdf_upload(("A first page", "A second page")))


class PublicationDocumentFactory(BaseFactory):
    class Meta:
        model = PublicationDocument

    publication = factory.SubFactory(PublicationFactory)
    document = factory.SubFactory(DocumentFactory)
    label = PublicationDocument.Label.FULL_REPORT


class SiteSettingsFactory(BaseFactory):
    """The one row of site settings (a singleton: always pk 1)."""

    class Meta:
        model = SiteSettings


class SocialLinkFactory(BaseFactory):
    class Meta:
        model = SocialLink

    # The row there is, or a new one with every field empty.
    site = factory.LazyFunction(SiteSettings.get_solo)
    order = factory.Sequence(int)
    label = factory.Sequence(lambda n: f"Network {n}")
    url = factory.Sequence(lambda n: f"https://social{n}.example/@institute")


class LibraryImageFactory(BaseFactory):
    class Meta:
        model = LibraryImage

    title = factory.Sequence(lambda n: f"Chart {n}")
    image = factory.LazyFunction(lambda: image_file("chart.png", size=(1200, 800)))
    alt = "Exports fell by half between 2017 and 2019."
    caption = "North Korea's exports, 2015–2020."
    credit = "Data: KOTRA"
