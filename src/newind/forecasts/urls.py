from django.urls import path

from newind.forecasts import views

app_name = "forecasts"
urlpatterns = [
    path("", views.backtest_page, name="backtest"),
    path("run/", views.run_backtest_view, name="run"),
]
