from django.urls import path

from newind.pairing import views

app_name = "pairing"

urlpatterns = [
    path("", views.pairing_list, name="list"),
    path("<int:pairing_id>/", views.pairing_page, name="detail"),
    path("<int:pairing_id>/visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", views.visit_page, name="visit"),
    path("visits/<int:visit_id>/problems/<int:problem_id>/appeal/", views.problem_appeal, name="appeal"),
    path("gaps/", views.gaps_page, name="gaps"),
    path("gaps/export.xlsx", views.gaps_xlsx, name="gaps_xlsx"),
    path("import/", views.upload_page, name="upload"),
    path("import/confirm/", views.confirm_import, name="confirm"),
]
