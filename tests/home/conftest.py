from tests.reports.conftest import demo_figures  # noqa: F401  (the demo's 2016–2017 monthly figures)
