from django.urls import path

from newind.projects import league_views

app_name = "projects_league"

urlpatterns = [
    path("league/", league_views.league_page, name="league"),
    path("portfolio/", league_views.portfolio_page, name="portfolio"),
]
