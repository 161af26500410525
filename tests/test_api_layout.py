"""The API's one convention (config/urls.py): every app is mounted at /api/ the same way and
owns the first path segments of its routes; a feature app lives under its own name."""

from collections import defaultdict

from django.urls import URLPattern, URLResolver, get_resolver

from config.urls import API_APPS

FEATURE_APPS = ("push", "ivpa", "imaging", "referrals", "careplans")
# A feature app's name in its routes, where it is not the app's name.
ROUTE_NAME = {"careplans": "care-plans"}
# Routes of the API itself rather than of an app.
API_OWN = {"me", "schema", "docs"}
# The only routes an app may hang on another app's record: one sub-resource of one record
# each, named here (the names the issue gives integrations). Nothing else shares a segment.
SUBRESOURCES = {
    "careplans": {"cases/<int:pk>/person/", "assignments/<int:pk>/care-plan/"},
}


def api_resolver() -> URLResolver:
    return next(p for p in get_resolver().url_patterns
                if isinstance(p, URLResolver) and str(p.pattern) == "api/")


def leaf_routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from leaf_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def segments_by_app() -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for pattern in api_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            app = pattern.urlconf_module.__name__.split(".")[0]
            for route in leaf_routes(pattern.url_patterns, str(pattern.pattern)):
                if route in SUBRESOURCES.get(app, ()):
                    continue
                owners[app].add(route.split("/", 1)[0])
        else:
            owners["api"].add(str(pattern.pattern).split("/", 1)[0])
    return owners


def test_every_app_is_mounted_the_same_way_at_the_api_root():
    mounted = [p for p in api_resolver().url_patterns if isinstance(p, URLResolver)]
    assert [p.urlconf_module.__name__ for p in mounted] == [f"{a}.urls" for a in API_APPS]
    assert {str(p.pattern) for p in mounted} == {""}


def test_no_two_apps_share_a_first_segment():
    owners = segments_by_app()
    seen: dict[str, str] = {}
    for app, segments in owners.items():
        for segment in segments:
            assert segment not in seen, f"/api/{segment}/ belongs to {seen.get(segment)} and {app}"
            seen[segment] = app
    assert owners["api"] == API_OWN


def test_a_feature_app_lives_under_its_own_name():
    owners = segments_by_app()
    for app in FEATURE_APPS:
        assert owners[app] == {ROUTE_NAME.get(app, app)}


def test_a_sub_resource_on_another_apps_record_is_named_and_stands_alone():
    """careplans' person and crew part hang on dispatch's cases and assignments: each is
    listed, exists, and is the only route of its path (no route of the record's own app)."""
    routes: dict[str, list[str]] = defaultdict(list)
    for pattern in api_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            app = pattern.urlconf_module.__name__.split(".")[0]
            for route in leaf_routes(pattern.url_patterns, str(pattern.pattern)):
                routes[route].append(app)
    owners = segments_by_app()
    for app, subs in SUBRESOURCES.items():
        for route in subs:
            assert routes[route] == [app], route
            assert route.split("/", 1)[0] not in owners[app]  # another app's record


def test_one_join_for_every_shift():
    routes = set(leaf_routes(api_resolver().url_patterns))
    joins = sorted(r for r in routes if r.endswith("/join/"))
    assert joins == ["units/<int:pk>/join/"]


def test_the_convention_comment_names_the_routes_there_are():
    """config/urls.py's comment lists each shared-record app's first segments: no more, no
    fewer (a route named there that does not exist misleads the next reader)."""
    import re
    from pathlib import Path

    import config.urls

    source = Path(config.urls.__file__).read_text(encoding="utf-8")
    comment = " ".join(line.lstrip("# ") for line in source.splitlines()
                       if line.startswith("#"))
    listed = re.search(r"plain nouns \((.*?)\)", comment).group(1)
    owners = segments_by_app()
    for part in listed.split(";"):
        app, segments = part.split(":")
        named = {s.strip().rstrip("/") for s in segments.split(",")}
        assert named == owners[app.strip()], app
