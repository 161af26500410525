from django.apps import AppConfig


class PlacesConfig(AppConfig):
    """Places (*platser*): the address register, the municipality → region table and travel
    times, read by dispatch and the feature apps through places.selectors."""

    name = "places"
    verbose_name = "Places and travel times"
