import pytest
from django.test import RequestFactory

from policyhub.client_ip import client_ip


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy: the header is the client's own words.
        (0, "203.0.113.9", "10.0.0.1"),
        (0, None, "10.0.0.1"),
        # One proxy appends the address it saw: the last entry; what the client wrote is ignored.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        # Two proxies: the second from the right is the client as the outer proxy saw it.
        (2, "1.2.3.4, 203.0.113.9, 192.168.0.5", "203.0.113.9"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        # Fewer entries than proxies, garbage, or no header: the connection's peer.
        (2, "203.0.113.9", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, None, "10.0.0.1"),
    ],
)
def test_client_ip(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(request_from("10.0.0.1", forwarded)) == expected
