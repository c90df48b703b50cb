from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("columns/<path:slug_path>/", views.column_page, name="column"),
    path("articles/<int:pk>.html", views.article_page, name="article"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
