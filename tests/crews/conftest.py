from tests.dispatch.helpers import english, fast_password_hashing  # noqa: F401
