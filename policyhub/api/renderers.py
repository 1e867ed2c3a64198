from rest_framework.renderers import JSONRenderer


class EscapedJSONRenderer(JSONRenderer):
    """JSON with ``<``, ``>`` and ``&`` written as ``\\u003c`` and so on, as Django's
    ``json_script`` does: the same data to any parser, and inert if a client pastes it into
    HTML. These characters can only occur inside JSON strings, so replacing them is exact."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        content = super().render(data, accepted_media_type, renderer_context)
        return content.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
