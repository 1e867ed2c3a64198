from django.views.generic import DetailView, ListView

from .models import Person, Publication, Region, Topic


class PublicationListView(ListView):
    template_name = "publications/publication_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Publication.objects.published().for_listing()


class PublicationDetailView(DetailView):
    template_name = "publications/publication_detail.html"

    def get_queryset(self):
        return Publication.objects.published().for_listing()


class PersonDetailView(DetailView):
    model = Person
    template_name = "publications/person_detail.html"


class TopicDetailView(DetailView):
    model = Topic
    template_name = "publications/topic_detail.html"


class RegionDetailView(DetailView):
    model = Region
    template_name = "publications/region_detail.html"
