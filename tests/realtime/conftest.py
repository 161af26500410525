from tests.dispatch.helpers import api, english, fast_password_hashing  # noqa: F401
