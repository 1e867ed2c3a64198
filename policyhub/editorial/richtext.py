"""Rich text: one editor configuration and one sanitiser, shared by every rich text field.

django-prose-editor sanitises in the form field's ``clean()`` only, so HTML that arrives through
``objects.create()`` (imports, demo content, scripts) would be stored raw. ``RichTextField`` also
sanitises in ``pre_save`` (save, create, bulk_create) and in ``get_db_prep_save`` (what
``QuerySet.update()`` and ``bulk_update()`` write, which skip ``pre_save``): whatever path the HTML
takes, what is stored is clean.
"""

import re
from html import escape, unescape

from django.core.exceptions import ValidationError
from django_prose_editor.fields import ProseEditorField, create_sanitizer

RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Ours (prose_extensions.py): a note at its point of reference, an image from the library.
    "Footnote": True,
    "LibraryFigure": True,
    # On by default in prose-editor; editors want the browser's spellcheck in long texts.
    "NoSpellCheck": False,
}

sanitize_html = create_sanitizer(RICH_TEXT_EXTENSIONS)

FIGURE_REFERENCE = re.compile(r'<figure data-image="([^"]*)"')
_FIGURE_VALUE = re.compile(r'(<figure data-image=")([^"]*)(")')


def figure_values(html):
    """The image values of sanitised text's figures, in text order (repeats included)."""
    return [unescape(value) for value in FIGURE_REFERENCE.findall(html or "")]


def replace_figures(html, replace):
    """Sanitised ``html`` with each figure's image value ``v`` written as ``replace(v)``."""
    if not html or "<figure" not in html:
        return html
    return _FIGURE_VALUE.sub(
        lambda match: match[1] + escape(replace(unescape(match[2]))) + match[3], html
    )


def missing_figures(html):
    """The image numbers the text's figures name that are not in the library, in text order."""
    from .models import LibraryImage

    named = [unescape(value) for value in FIGURE_REFERENCE.findall(sanitize_html(html or ""))]
    named = list(dict.fromkeys(named))
    numbers = {int(value) for value in named if value.isascii() and value.isdigit()}
    # The same test as the page's (rendering.py): a number the database can hold.
    numbers = {number for number in numbers if number < 10**18}
    found = set(LibraryImage.objects.filter(pk__in=numbers).values_list("pk", flat=True))
    return [
        value
        for value in named
        if not (value.isascii() and value.isdigit() and int(value) in found)
    ]


class RichTextField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", RICH_TEXT_EXTENSIONS)
        kwargs.setdefault("sanitize", True)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        # The admin's check; readers never see a figure that names no image (rendering.py).
        super().validate(value, model_instance)
        if value and (missing := missing_figures(value)):
            raise ValidationError(
                "A figure names an image that is not in the library (%(numbers)s): choose "
                "another number from Editorial › Images, or remove the figure.",
                code="missing_figure_image",
                params={"numbers": ", ".join(f"“{number}”" for number in missing)},
            )

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value:
            value = sanitize_html(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        # Sanitising is idempotent, so a value pre_save already cleaned comes out the same.
        if isinstance(value, str) and value:
            value = sanitize_html(value)
        return super().get_db_prep_save(value, connection)
