import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newind.settings")
application = get_wsgi_application()

# gunicorn (production) must not start on a generated or published key: stop the worker with the reason.
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from newind.accounts.keys import check_serving_keys  # noqa: E402
from newind.core.errors import AppError  # noqa: E402

try:
    check_serving_keys()
except AppError as error:
    raise ImproperlyConfigured(error.message) from None
