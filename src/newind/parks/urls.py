from django.urls import path

from newind.parks import views

app_name = "parks"

urlpatterns = [
    path("", views.league_page, name="league"),
    path("<str:code>/", views.park_page, name="detail"),
]
