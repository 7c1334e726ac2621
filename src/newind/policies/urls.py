from django.urls import path

from newind.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_edit, name="new"),
    path("matches/", views.matches_page, name="matches"),
    path("payouts/", views.payouts_page, name="payouts"),
    path("payouts/import/", views.payout_upload, name="payout_upload"),
    path("payouts/import/confirm/", views.payout_confirm, name="payout_confirm"),
    path("<int:policy_id>/", views.policy_page, name="detail"),
    path("<int:policy_id>/edit/", views.policy_edit, name="edit"),
    path("<int:policy_id>/eligible/", views.eligible_page, name="eligible"),
    path("<int:policy_id>/eligible.xlsx", views.eligible_export, name="eligible_export"),
    path("<int:policy_id>/<slug:action>/", views.policy_action, name="action"),
]
