"""The rich-text editor's own extensions: footnotes and figures from the image library.

Each is one element the sanitiser lets through with one data attribute, stored as is and turned
into reader markup by ``policyhub.editorial.rendering`` (numbered notes, <figure> with
renditions). The editor's side is ``static/js/prose_extensions.js``. Listed in the settings as
``DJANGO_PROSE_EDITOR_EXTENSIONS``, so this module imports nothing from the project's models.
"""

from django_prose_editor.config import html_tags
from js_asset import static_lazy

# <span data-footnote>The note's text</span>, at the point of reference.
FOOTNOTE_ATTRIBUTE = "data-footnote"
# <figure data-image="12"></figure>: image 12 of the library, with its alt text, caption, credit.
FIGURE_ATTRIBUTE = "data-image"

EXTENSIONS = [
    {
        "js": [static_lazy("js/prose_extensions.js")],
        "extensions": {
            "Footnote": html_tags(["span"], {"span": [FOOTNOTE_ATTRIBUTE]}),
            "LibraryFigure": html_tags(["figure"], {"figure": [FIGURE_ATTRIBUTE]}),
        },
    }
]
