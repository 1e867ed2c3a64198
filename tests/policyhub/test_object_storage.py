"""Uploads, renditions and documents on S3-compatible object storage (``MEDIA_STORAGE_URL``),
against a real S3 server: moto's server mode, started here on 127.0.0.1 (not a mock of boto).

Two gunicorn servers, each with its own empty local folders, share the database and the bucket:
a document uploaded through one is served by the other.
"""

import contextlib
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from policyhub.documents.models import Document
from policyhub.object_storage import s3_storages
from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    image_file,
    pdf_upload,
)
from tests.pdfs import make_pdf
from tests.policyhub.servers import free_port, get, gunicorn, production_env
from tests.policyhub.test_two_servers import database_url

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto.server", reason="moto[server] (requirements-dev.txt) is not installed")

PUBLIC = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free port of 127.0.0.1, for this module."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(  # noqa: S603 - our own server
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture
def bucket(s3_server):
    """A new bucket, its MEDIA_STORAGE_URL and a boto3 client on it."""
    name = f"policyhub-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=name)
    url = f"s3://test:test@{name}/site?endpoint_url={s3_server}&region_name=us-east-1"
    return name, url, client


@pytest.fixture
def on_s3(settings, bucket):
    settings.STORAGES = {**settings.STORAGES, **s3_storages(bucket[1])}
    return bucket


def keys(client, name):
    listing = client.list_objects_v2(Bucket=name)
    return sorted(item["Key"] for item in listing.get("Contents", ()))


def assert_private(client, name, key):
    grants = client.get_object_acl(Bucket=name, Key=key)["Grants"]
    assert all(grant["Grantee"].get("URI") != PUBLIC for grant in grants)


def test_the_url_is_checked():
    with pytest.raises(ImproperlyConfigured, match="s3://BUCKET"):
        s3_storages("https://bucket/prefix")
    with pytest.raises(ImproperlyConfigured, match="unknown parameter.*acl"):
        s3_storages("s3://bucket?acl=public-read")
    storages = s3_storages("s3://k%2Fy:s%40cret@bucket/a/b?region_name=eu-west-1&url_expires=60")
    media, documents = storages["default"]["OPTIONS"], storages["documents"]["OPTIONS"]
    assert (media["bucket_name"], media["location"], media["region_name"]) == (
        "bucket",
        "a/b/media",
        "eu-west-1",
    )
    assert (media["access_key"], media["secret_key"]) == ("k/y", "s@cret")
    assert documents["location"] == "a/b/documents"
    assert media["querystring_expire"] == 60
    assert documents["querystring_auth"] and not documents["file_overwrite"]


@pytest.mark.django_db
def test_documents_and_images_live_in_the_bucket(client, on_s3, settings):
    name, _, s3 = on_s3
    publication = PublicationFactory(
        title="Stored elsewhere", hero_image=image_file("hero.png"), hero_alt="A hero"
    )
    document = DocumentFactory(title="The bucket report", file=pdf_upload(["In the bucket"]))
    twin = DocumentFactory(title="Same name", file=pdf_upload(["Another"]))
    PublicationDocumentFactory(publication=publication, document=document)

    stored = keys(s3, name)
    assert f"site/documents/{document.file.name}" in stored
    # Same upload name, two objects: nothing is overwritten.
    assert document.file.name != twin.file.name
    assert any(key.startswith("site/documents/renditions/") for key in stored)
    assert any(key.startswith("site/media/heroes/") for key in stored)
    assert not Path(settings.DOCUMENTS_ROOT).exists()
    assert not Path(settings.MEDIA_ROOT).exists()
    for key in stored:
        assert_private(s3, name, key)

    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf(["In the bucket"])
    # Not attached to a published publication: not served, though the object exists.
    assert client.get(twin.get_absolute_url()).status_code == 404

    page = client.get(publication.get_absolute_url()).content.decode()
    cover = re.search(r'src="(/documents/\d+/cover-\d+w\.jpg)"', page)[1]
    assert client.get(cover)["Content-Type"] == "image/jpeg"
    # Images are addressed by short-lived signed URLs on the storage.
    hero = re.search(r'src="(http://127\.0\.0\.1:\d+/[^"]+)"', page)[1].replace("&amp;", "&")
    assert "Signature=" in hero or "X-Amz-Signature=" in hero
    with urllib.request.urlopen(hero, timeout=10) as answer:  # noqa: S310 - our moto server
        assert answer.status == 200
        assert answer.read()[:4] in (b"RIFF", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1")


def _multipart(fields, files):
    boundary = secrets.token_hex(16)
    body = b""
    for key, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    for key, (filename, content) in files.items():
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Session:
    """Cookies over plain http.client against one server."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, content_type=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        status, response_headers, content = get(self.port, path, headers, method, body)
        for header in response_headers.get_all("Set-Cookie") or []:
            key, _, value = header.split(";")[0].partition("=")
            self.cookies[key] = value
        return status, response_headers, content

    def post(self, path, fields, files=None):
        body, content_type = _multipart(
            {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}, files or {}
        )
        return self.request("POST", path, body, content_type)


@pytest.mark.infrastructure
def test_one_server_uploads_the_other_serves(
    request, transactional_db, bucket, tmp_path, django_user_model, production_password_hashing
):
    if connection.vendor != "postgresql":
        pytest.skip("two servers share one database server: run with DATABASE_URL=postgres://...")
    # Collected only when the test runs: it takes a while.
    production_static = request.getfixturevalue("production_static")
    name, url, s3 = bucket
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long password")

    def server(label):
        local = tmp_path / label
        env = production_env(
            DATABASE_URL=database_url(),
            STATIC_ROOT=str(production_static),
            MEDIA_ROOT=str(local / "media"),
            DOCUMENTS_ROOT=str(local / "documents"),
            MEDIA_STORAGE_URL=url,
            SECURE_SSL_REDIRECT="false",
        )
        return gunicorn(env, tmp_path / f"{label}.log")

    with server("a") as port_a, server("b") as port_b:
        editor = Session(port_a)
        editor.request("GET", "/admin/login/")
        status, headers, _ = editor.post(
            "/admin/login/?next=/admin/", {"username": "editor", "password": "a long password"}
        )
        assert (status, headers["Location"]) == (302, "/admin/")
        editor.request("GET", "/admin/documents/document/add/")
        content = make_pdf(["Shared by two servers", "Page two"], title="Two servers")
        status, _, page = editor.post(
            "/admin/documents/document/add/",
            {"title": "", "description": "", "language": "en"},
            {"file": ("two-servers.pdf", content)},
        )
        assert status == 302, page.decode()[-2000:]

        document = Document.objects.get()
        assert (document.title, document.pages) == ("Two servers", 2)
        assert f"site/documents/{document.file.name}" in keys(s3, name)
        publication = PublicationFactory(title="Served by the other")
        PublicationDocumentFactory(publication=publication, document=document)

        reader = Session(port_b)
        status, headers, body = reader.request("GET", document.get_absolute_url())
        assert status == 200
        assert headers["Content-Type"] == "application/pdf"
        assert body == content
        status, _, page = reader.request("GET", publication.get_absolute_url())
        assert status == 200
        cover = re.search(rb'src="(/documents/\d+/cover-\d+w\.jpg)"', page)[1].decode()
        assert reader.request("GET", cover)[0] == 200

    # Neither server kept a file of its own.
    assert not any(path.is_file() for path in tmp_path.glob("[ab]/**/*"))


@pytest.mark.django_db(transaction=True)
def test_backup_says_the_files_are_not_in_it(settings, tmp_path):
    settings.MEDIA_STORAGE_URL = "s3://bucket/site"
    out, err = StringIO(), StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out, stderr=err)
    assert "Backed up" in out.getvalue()
    assert "on object storage (MEDIA_STORAGE_URL), not in this backup" in err.getvalue()
