from django import template

from ..rendering import render_rich_text

register = template.Library()


@register.simple_tag
def rich_text(html):
    """``{% rich_text page.body as body %}``: ``body.html`` to show, ``body.notes`` for
    ``includes/notes.html``, ``body.contents`` for ``includes/table_of_contents.html``."""
    return render_rich_text(html)
