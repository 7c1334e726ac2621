from tests.enterprises.conftest import firm_users, imported  # noqa: F401 (fixtures)
