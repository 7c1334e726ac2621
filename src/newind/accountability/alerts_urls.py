from django.urls import path

from newind.accountability import alerts_views as views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:alert_id>/<str:action>/", views.alert_move, name="move"),
    path("subscriptions/", views.subscribe, name="subscribe"),
    path("subscriptions/<int:sub_id>/delete/", views.unsubscribe, name="unsubscribe"),
]
