"""schema.org JSON-LD for reader pages, built as Python dicts and serialised safely for <script>.

The template tags in ``publications/templatetags/metadata.py`` render these inside
``<script type="application/ld+json" nonce="...">``. Every URL is absolute (built from the request).
"""

import json

from django.urls import reverse
from django.utils import timezone

from policyhub.editorial import site

CONTEXT = "https://schema.org"

# Inside <script> the HTML parser ends the element at "</script" whatever JSON thinks, and "<!--"
# changes how it reads on. Escaping <, > and & as JSON \u escapes keeps the JSON identical.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def to_script_json(data):
    """JSON text safe to place between <script> tags."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(SCRIPT_ESCAPES)


def absolute(request, path):
    return request.build_absolute_uri(path)


def iso(value):
    # Whole seconds, like the pages' <time datetime>: readers of dates rarely take microseconds.
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def logo(request, item):
    data = {"@type": "ImageObject", "url": absolute(request, item.url)}
    if item.width and item.height:
        data.update(width=item.width, height=item.height)
    return data


def organization(request, *, context=False):
    """The institute, from the site settings: the publisher of everything, and an item of its
    own on the home page (``context``)."""
    about = site.current()
    home = absolute(request, reverse("home"))
    org = {"@type": "Organization", "@id": f"{home}#organization", "name": about.name, "url": home}
    if about.legal_name:
        org["legalName"] = about.legal_name
    if about.organisation_logo:
        org["logo"] = logo(request, about.organisation_logo)
    if about.same_as:
        org["sameAs"] = about.same_as
    return {"@context": CONTEXT, **org} if context else org


def default_image(request):
    """[the site's share image] for pages with no image of their own, or []."""
    picture = site.current().share_image
    return [image(request, picture)] if picture else []


def image(request, picture, *, caption="", credit=""):
    """The largest JPEG rendition with its size: the original upload may be far larger than
    any page shows, and not every consumer reads WebP. The original only until renditions
    exist (``make_renditions``)."""
    largest = picture.largest_jpeg
    if not largest:
        return absolute(request, picture.src)
    data = {
        "@type": "ImageObject",
        "url": absolute(request, largest["url"]),
        "width": largest["width"],
        "height": largest["height"],
    }
    if caption:
        data["caption"] = caption
    if credit:
        data["creditText"] = credit
    return data


def person_ref(request, person):
    return {
        "@type": "Person",
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
    }


def publication(request, item):
    """``Article`` (or ``Report`` for report types) for a publication's detail page."""
    url = absolute(request, item.get_absolute_url())
    data = {
        "@context": CONTEXT,
        "@type": "Report" if item.publication_type.is_report else "Article",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": item.title[:110],  # search engines truncate or reject longer headlines
        "name": item.title,
        "description": item.summary,
        "datePublished": iso(item.published_at),
        "dateModified": iso(item.updated_at),
        "author": [person_ref(request, person) for person in item.ordered_authors],
        "publisher": organization(request),
        "articleSection": item.publication_type.name,
    }
    if item.hero_image:
        data["image"] = [
            image(request, item.hero_picture, caption=item.hero_caption, credit=item.hero_credit)
        ]
    elif fallback := default_image(request):
        data["image"] = fallback
    keywords = [tag.name for tag in item.tags.all()]
    if keywords:
        data["keywords"] = keywords
    media = [
        {
            "@type": "MediaObject",
            "name": f"{attachment.get_label_display()}: {attachment.document.title}",
            "contentUrl": absolute(request, attachment.document.get_absolute_url()),
            "encodingFormat": attachment.document.content_type,
            "contentSize": attachment.document.size_label,
            "inLanguage": attachment.document.language,
        }
        for attachment in item.attached_documents
    ]
    if media:
        data["associatedMedia"] = media
    if not data["author"]:
        # Without a byline the institute is the author.
        data["author"] = [organization(request)]
    return data


def person(request, item):
    url = absolute(request, item.get_absolute_url())
    data = {"@context": CONTEXT, "@type": "Person", "@id": url, "url": url, "name": item.name}
    if item.role:
        data["jobTitle"] = item.role
    if item.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": item.affiliation}
    if item.bio:
        data["description"] = item.bio
    if item.photo:
        data["image"] = image(request, item.photo_picture)
    same_as = [item.link] if item.link else []
    same_as += [profile.url for profile in item.profile_links.all()]
    if same_as:
        data["sameAs"] = same_as
    expertise = [area.name for area in item.expertise.all()]
    if expertise:
        data["knowsAbout"] = expertise
    if item.language_list:
        data["knowsLanguage"] = item.language_list
    if item.public_email:
        data["email"] = item.public_email
    return data


def website(request):
    """The home page: the site and its search box (``SearchAction``)."""
    home = absolute(request, reverse("home"))
    search = absolute(request, reverse("search:search"))
    data = {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": home,
        "url": home,
        "name": site.current().name,
        "publisher": organization(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    if fallback := default_image(request):
        data["image"] = fallback
    return data


def webpage(request, page):
    """An editor-made page (About, Contact): ``WebPage`` with its hero or the site's image."""
    url = absolute(request, page.get_absolute_url())
    data = {
        "@context": CONTEXT,
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": page.title,
        "description": page.seo_description or page.summary,
        "datePublished": iso(page.published_at),
        "dateModified": iso(page.updated_at),
        "publisher": organization(request),
    }
    picture = page.hero_picture
    if picture:
        data["image"] = [
            image(request, picture, caption=page.hero_caption, credit=page.hero_credit)
        ]
    elif fallback := default_image(request):
        data["image"] = fallback
    if not data["description"]:
        del data["description"]
    return data


def breadcrumbs(request, trail):
    """``trail``: [(name, path), ...] from the home page down to the current page."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(request, path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
