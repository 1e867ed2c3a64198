"""What a browser would submit from a rendered admin form: tests edit that, not a hand-made dict.

Built from the HTML, so the hidden fields (management forms, the loaded revision) and any field
added to the admin later are sent as an editor's browser sends them.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None
        self._option = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def form_data(response, form_id):
    """{name: value or [values]} of the form ``form_id`` in ``response``, ready to POST."""
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    # A leading newline after <textarea> belongs to the markup, not to the value.
    data = {}
    for name, values in parser.data.items():
        values = [value.removeprefix("\n") for value in values]
        data[name] = values if len(values) != 1 else values[0]
    return data


def change_form_data(client, obj):
    """GET ``obj``'s admin change form and return what saving it unchanged would POST."""
    from django.urls import reverse

    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, f"{opts.model_name}_form")
