from tests.web.conftest import page  # noqa: F401 - the logged-in page client
