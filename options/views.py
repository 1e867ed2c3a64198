from django.shortcuts import render

from .models import PolicyOption


def option_list(request):
    options = PolicyOption.objects.published().select_related("track", "question")
    return render(request, "options/policyoption_list.html", {"options": options})
