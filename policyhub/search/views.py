from urllib.parse import urlencode

from django.core.paginator import InvalidPage
from django.http import Http404, JsonResponse
from django.shortcuts import render

from .engine import count
from .engine import search as run_search
from .facets import MULTIPLE
from .forms import SearchForm, SuggestForm
from .models import Synonym
from .query import synonyms_applied
from .spelling import suggestion
from .suggest import suggestions

# Below this many results, search looks for a spelling that finds more ("did you mean").
FEW_RESULTS = 3


def _facet_urls(groups, form):
    """Each option links to the current search with that filter toggled, back on page one."""
    for group in groups:
        for option in group.options:
            if group.param in MULTIPLE:
                option.url = form.toggle_string(group.param, option.value) or "?"
            else:
                value = None if option.selected else option.value
                option.url = form.query_string(group.param, value) or "?"


def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        if "page" in form.errors:
            raise Http404("No such page of results.")
        return render(request, "search/results.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        results = run_search(
            data["q"], form.filters(), data["sort"] or "relevance", data["page"] or 1
        )
    except InvalidPage:
        raise Http404("No such page of results.") from None
    _facet_urls(results.facets, form)
    context = {"form": form, "results": results, "query": data["q"]}
    if not results.total and any(v for k, v in data.items() if k not in ("q", "sort", "page")):
        context["unfiltered_url"] = "?" + urlencode({"q": data["q"]})
    if not results.total:
        context["synonyms"] = synonyms_applied(data["q"], Synonym.objects.groups())
    if data["q"] and results.total < FEW_RESULTS:

        def finds(corrected):
            return count(corrected, form.filters(), at_most=results.total + 1)

        corrected = suggestion(data["q"], results.total, finds)
        if corrected:
            context["corrected"] = corrected
            context["corrected_url"] = form.query_string("q", corrected)
    return render(request, "search/results.html", context)


def suggest(request):
    form = SuggestForm(request.GET)
    prefix = form.cleaned_data["q"] if form.is_valid() else ""
    return JsonResponse({"query": prefix, "suggestions": suggestions(prefix)})
