"""Public interaction URLs, included by ``taxsite.urls_public`` at ``/hudong/`` and
``/site/<code>/hudong/`` (namespaces ``interaction`` and ``interaction_site``)."""
from django.urls import path

from . import views

app_name = "interaction"

urlpatterns = [
    path("", views.index, name="index"),
    path("write/<slug:kind_slug>/", views.write, name="write"),
    path("lookup/", views.lookup, name="lookup"),
    path("answers/", views.answers, name="answers"),
    path("answers/<int:pk>.html", views.answer_detail, name="answer"),
    path("suggest/", views.suggest, name="suggest"),
    path("statistics/", views.statistics, name="statistics"),
]
