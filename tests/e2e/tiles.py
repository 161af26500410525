"""Map tiles in the browser tests: the live product's MAP_TILE_URL names a host that never
resolves (tests.live.TEST_TILE_URL); tiles_route answers its requests with a local image and
counts them, so a test can see that a map drew its tile layer without fetching from outside."""

from pathlib import Path

TILE = (Path(__file__).parent / "data" / "tile.png").read_bytes()
TILE_PATTERN = "https://tiles.larmkedjan.test/**"


class TileRequests:
    def __init__(self):
        self.urls: list[str] = []

    def __len__(self) -> int:
        return len(self.urls)


def tiles_route(context) -> TileRequests:
    """Answer every tile request of `context` (a Playwright browser context) locally."""
    seen = TileRequests()

    def answer(route):
        seen.urls.append(route.request.url)
        route.fulfill(status=200, body=TILE, content_type="image/png",
                      headers={"Cache-Control": "max-age=3600"})

    context.route(TILE_PATTERN, answer)
    return seen
