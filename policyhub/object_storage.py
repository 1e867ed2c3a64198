"""``STORAGES`` on S3-compatible object storage, from one ``MEDIA_STORAGE_URL``.

    s3://KEY:SECRET@BUCKET/PREFIX?endpoint_url=https://s3.example.org&region_name=eu-west-1

Credentials may instead come from boto3's own chain (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, an instance role). Uploaded images and their renditions go under
``PREFIX/media/``, documents and their covers under ``PREFIX/documents/``. Nothing is written
public: media addresses are signed for ``url_expires`` seconds (longer than a cached page lives)
unless ``custom_domain`` names a CDN or host the operator has opened ``media/`` on; documents
are read by the site and streamed only while a published publication lists them.
"""

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
# Query parameters passed to django-storages as they are.
PASSED = {"endpoint_url", "region_name", "addressing_style", "signature_version"}
# A day: a page cached for PAGE_CACHE_SECONDS never outlives its images' signatures.
DEFAULT_URL_EXPIRES = 24 * 3600


def s3_storages(url):
    """The "default" (media) and "documents" entries of ``STORAGES`` for ``url``."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL must look like s3://BUCKET/PREFIX?endpoint_url=...; got {url!r}"
        )
    params = dict(parse_qsl(parts.query))
    unknown = set(params) - PASSED - {"custom_domain", "url_expires"}
    if unknown:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL: unknown parameter(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(PASSED | {'custom_domain', 'url_expires'}))}"
        )
    try:
        expires = int(params.get("url_expires", DEFAULT_URL_EXPIRES))
    except ValueError:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE_URL: url_expires is a number of seconds"
        ) from None
    # urlsplit lower-cases hostname; bucket names are lower case anyway, the netloc keeps it.
    bucket = parts.netloc.rpartition("@")[2]
    prefix = parts.path.strip("/")
    common = {
        "bucket_name": bucket,
        # Never replace an object: two uploads of "report.pdf" get two names, as on disk.
        "file_overwrite": False,
        # Private objects whatever the bucket's default; no public-read anywhere.
        "default_acl": None,
        "querystring_auth": True,
        **{key: value for key, value in params.items() if key in PASSED},
    }
    if parts.username:
        common["access_key"] = unquote(parts.username)
        common["secret_key"] = unquote(parts.password or "")

    def location(name):
        return f"{prefix}/{name}" if prefix else name

    media = {**common, "location": location("media"), "querystring_expire": expires}
    if params.get("custom_domain"):
        media.update(custom_domain=params["custom_domain"], querystring_auth=False)
    documents = {
        **common,
        "location": location("documents"),
        # The site streams documents itself; a signed address, if anything asks for one, is short.
        "querystring_expire": 60,
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": media},
        "documents": {"BACKEND": S3_BACKEND, "OPTIONS": documents},
    }
