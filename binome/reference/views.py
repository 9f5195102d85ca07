"""htmx pickers: return <option> fragments for the autocomplete inputs' <datalist>."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from binome.reference.selectors import search_occupations, search_places


def _query(request: HttpRequest) -> str:
    # htmx sends the input under its own form-field name; `field` says which one it is.
    field = request.GET.get("field") or "q"
    return request.GET.get(field, "")[:100]


@login_required
def occupation_options(request: HttpRequest) -> HttpResponse:
    options = [str(o) for o in search_occupations(_query(request))]
    return render(request, "reference/picker_options.html", {"options": options})


@login_required
def place_options(request: HttpRequest) -> HttpResponse:
    options = [f"{p} #{p.pk}" for p in search_places(_query(request))]
    return render(request, "reference/picker_options.html", {"options": options})
