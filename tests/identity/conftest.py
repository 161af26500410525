from tests.ivpa.conftest import ivpa  # noqa: F401  (the IVPA personas: lars is a volunteer)
