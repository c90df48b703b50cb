from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("columns/<path:slug_path>/rss.xml", views.column_feed, name="column_feed"),
    path("columns/<path:slug_path>/", views.column_page, name="column"),
    path("articles/<int:pk>.html", views.article_page, name="article"),
    path("articles/<int:pk>/print.html", views.article_print, name="article_print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("search/", views.search_page, name="search"),
    path("sitemap/", views.site_map, name="site_map"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap_xml"),
    path("sitemap-<int:part>.xml", views.sitemap_part, name="sitemap_part"),
    path("robots.txt", views.robots_txt, name="robots"),
]
