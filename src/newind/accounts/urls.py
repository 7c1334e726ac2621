from django.urls import path

from newind.accounts import lockouts, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp_view, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("me/", views.account_view, name="account"),
    path("me/totp/", views.totp_enrol_view, name="totp"),
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/<int:pk>/end/", views.session_end_view, name="session_end"),
    path("security/", views.security_policy_view, name="security"),
    path("roles/", views.role_requests_view, name="role_requests"),
    path("roles/<int:pk>/confirm/", views.role_confirm_view, name="role_confirm"),
    path("roles/<int:pk>/reject/", views.role_reject_view, name="role_reject"),
    path("lockouts/", lockouts.lockouts_view, name="lockouts"),
    path("lockouts/unlock/", lockouts.unlock_view, name="unlock"),
]
