from tests.reports.conftest import demo_figures  # noqa: F401  (the same 2016–2017 demo figures)
