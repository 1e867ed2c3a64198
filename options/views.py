from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.shortcuts import render
from django.views.generic import DetailView, ListView, TemplateView

from policyhub.editorial import datacache
from policyhub.editorial.preview import PreviewMixin

from .compare import MAX_OPTIONS, MIN_OPTIONS, comparison_rows, parse_slugs
from .facets import facet_counts
from .forms import OptionFilterForm
from .models import PolicyOption, PolicyQuestion, Track
from .sequencing import layered_sequence


class OptionFilterMixin:
    """Reader filters validated by a form, with facet counts; shared by the list and matrix.

    An invalid value (unknown slug, garbage) empties the result and is reported, never a 500.
    """

    def filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = OptionFilterForm(self.request.GET or None)
        return self._filter_form

    def active_filters(self):
        form = self.filter_form()
        return form.filters() if form.is_bound else {}

    def filtered_options(self):
        form = self.filter_form()
        options = PolicyOption.objects.visible()
        if form.is_bound and not form.is_valid():
            return options.none()
        return options.filter_by(**self.active_filters())

    def filter_context(self):
        form = self.filter_form()
        filters = self.active_filters()
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return {
            "view_name": self.view_name,
            "filter_form": form,
            "filter_errors": errors,
            "filters_active": any(filters.values()),
            # Kept per combination of valid filters until the content changes.
            "facets": datacache.remember(
                "option-facets:"
                + "&".join(f"{k}={getattr(v, 'slug', v)}" for k, v in sorted(filters.items())),
                lambda: facet_counts(PolicyOption.objects.visible(), filters),
            ),
        }


class OptionListView(OptionFilterMixin, ListView):
    template_name = "options/policyoption_list.html"
    view_name = "options:list"
    context_object_name = "options"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return self.filtered_options().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **self.filter_context())


class OptionMatrixView(OptionFilterMixin, TemplateView):
    template_name = "options/policyoption_matrix.html"
    view_name = "options:matrix"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs, **self.filter_context())
        options = (
            self.filtered_options()
            .select_related("track")
            .only("title", "slug", "track", "timeframe")
        )
        timeframes = PolicyOption.Timeframe.choices
        cells = {}
        for option in options:
            cells.setdefault((option.track_id, option.timeframe), []).append(option)
        tracks = Track.objects.all()
        track = self.active_filters().get("track")
        if track is not None:
            tracks = tracks.filter(pk=track.pk)
        context["timeframes"] = timeframes
        context["rows"] = [
            (track, [cells.get((track.pk, value), []) for value, _ in timeframes])
            for track in tracks
        ]
        context["option_count"] = sum(len(cell) for cell in cells.values())
        return context


class OptionDetailView(DetailView):
    template_name = "options/policyoption_detail.html"
    context_object_name = "option"

    def get_queryset(self):
        return PolicyOption.objects.visible().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = self.object.related_options()
        return context


class OptionPreviewView(PreviewMixin, OptionDetailView):
    model = PolicyOption


class QuestionListView(ListView):
    template_name = "options/policyquestion_list.html"
    context_object_name = "questions"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return PolicyQuestion.objects.published().with_option_counts().order_by("title", "pk")


class QuestionDetailView(DetailView):
    template_name = "options/policyquestion_detail.html"
    context_object_name = "question"

    def get_queryset(self):
        return PolicyQuestion.objects.published().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question_options = PolicyOption.objects.visible().filter(question=self.object)
        options = list(question_options.for_listing())
        context["options"] = options
        context["by_track"] = [
            (track, list(group)) for track, group in groupby(options, key=attrgetter("track"))
        ]
        context["sequence"] = layered_sequence(
            options, question_options.prerequisite_map(), key=attrgetter("pk")
        )
        context["publications"] = self.object.cited_publications()
        return context


class QuestionPreviewView(PreviewMixin, QuestionDetailView):
    model = PolicyQuestion


def compare(request):
    """2 to 4 options side by side. Bad input is reported on the page: never a 500."""
    requested = request.GET.getlist("options")
    selection = parse_slugs(requested)
    found = {
        option.slug: option
        for option in PolicyOption.objects.visible().filter(slug__in=selection.slugs).for_detail()
    }
    options = [found[slug] for slug in selection.slugs if slug in found]
    # Unknown and draft slugs get the same message, so drafts cannot be discovered by guessing.
    dropped = selection.rejected + [slug for slug in selection.slugs if slug not in found]
    problem = ""
    if not requested:
        problem = "Choose between 2 and 4 options to compare."
    elif len(options) < MIN_OPTIONS:
        problem = f"Choose at least {MIN_OPTIONS} published options to compare."
    elif len(options) > MAX_OPTIONS:
        problem = f"You can compare at most {MAX_OPTIONS} options at a time."
    context = {
        "options": options,
        "dropped": dropped,
        "truncated": selection.truncated,
        "problem": problem,
        "rows": [] if problem else comparison_rows(options),
        "min_options": MIN_OPTIONS,
        "max_options": MAX_OPTIONS,
    }
    status = 400 if problem and requested else 200
    return render(request, "options/policyoption_compare.html", context, status=status)
