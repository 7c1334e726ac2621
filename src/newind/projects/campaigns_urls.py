"""URLs of the campaigns (专项活动); the site includes them under /projects/."""

from django.urls import path

from newind.projects import campaigns_views as views

app_name = "projects_campaigns"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/<slug:code>/", views.campaign_detail, name="detail"),
]
