from django.urls import path

from binome.reference import views

app_name = "reference"
urlpatterns = [
    path("occupations/", views.occupation_options, name="occupations"),
    path("places/", views.place_options, name="places"),
]
