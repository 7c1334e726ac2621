"""The JSON API (django-ninja). Each domain adds its router here."""

from ninja import NinjaAPI

from newind.core.errors import AppError

api = NinjaAPI(title="newind API", version="1", urls_namespace="api")


@api.exception_handler(AppError)
def app_error(request, exc: AppError):  # type: ignore[no-untyped-def]
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _register_routers() -> None:
    from newind.benchmark.api import router as benchmark_router

    api.add_router("/benchmark", benchmark_router)
    from newind.imports.api import router as imports_router

    api.add_router("/imports", imports_router)
    from newind.submissions.api import router as submissions_router

    api.add_router("/submissions", submissions_router)
    from newind.targets.api import router as targets_router

    api.add_router("/targets", targets_router)
    from newind.reports.api import router as reports_router

    api.add_router("/reports", reports_router)


_register_routers()
