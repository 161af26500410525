"""Lighthouse (npm `lighthouse`, driving /usr/bin/chromium) against the crew screen with an
assignment on it: prints the performance, accessibility and best-practices scores, the app
shell's size and the time to interactive on a slow 3G profile; accessibility below 90 fails.

Two runs: Lighthouse's default mobile profile (simulated slow 4G: 150 ms, 1.6 Mbit/s, CPU x4)
for the scores, and slow 3G (WebPageTest's "3G Slow": 400 ms, 400 kbit/s, CPU x4; Lighthouse
has no preset of that name) for the time to interactive. The shell is every same-origin
document, script, style sheet, font and image the screen loads; its compressed size is what
gzip makes of those bytes (Django's static file handler sends them uncompressed)."""

import gzip
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.browser import CHROMIUM
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "lighthouse.mjs"
SHELL_TYPES = {"Document", "Script", "Stylesheet", "Font", "Image"}


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    yield product
    product.stop()


def sign_in_cookies(url: str, username: str) -> dict:
    """A session's cookies, by the sign-in form. Passed by hand: in the production shape the
    cookies are Secure, which httpx keeps to https (Chromium allows them on 127.0.0.1)."""
    csrf = httpx.get(url + "/login/").cookies["csrftoken"]
    answer = httpx.post(url + "/login/", headers={"Cookie": f"csrftoken={csrf}"},
                        data={"username": username, "password": "larm-demo-2026",
                              "csrfmiddlewaretoken": csrf})
    assert answer.status_code == 302, answer.text[:500]
    return {"sessionid": answer.cookies["sessionid"],
            "csrftoken": answer.cookies.get("csrftoken") or csrf}


def crew_session(live) -> dict:
    """Sara signed in, on AMB 1010, with an assignment on her screen: the session cookies."""
    cookies = sign_in_cookies(live.url, "sara")
    client = httpx.Client(base_url=live.url, headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRFToken": cookies["csrftoken"], "Referer": live.url + "/crew/"})
    headers = {}
    dispatcher = {"Authorization": f"Token {live.token('erik')}"}
    units = {u["call_sign"]: u["id"] for u in
             httpx.get(live.url + "/api/units/", headers=dispatcher).json()}
    client.post(f"/api/units/{units['AMB 1010']}/join/", headers=headers).raise_for_status()
    region = next(r["id"] for r in httpx.get(live.url + "/api/regions/", headers=dispatcher).json()
                  if r["code"] == "VML")
    case = httpx.post(live.url + "/api/cases/", headers=dispatcher, json={
        "region": region, "caller_number": "+4621123456", "address": "Stora torget 1",
        "municipality": "Västerås", "latitude": 59.61, "longitude": 16.54,
        "complaint": "Bröstsmärta", "mbs_priority": "1A", "priority": "1A",
        "notes": "Portkod 1234"}).json()
    httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=dispatcher,
               json={"units": [units["AMB 1010"]]}).raise_for_status()
    client.close()
    return cookies


def lighthouse(url: str, cookies: dict, tmp: Path, profile: str = "mobile") -> dict:
    out = tmp / f"lh-{profile}.json"
    run = subprocess.run(["node", str(SCRIPT), url, json.dumps(cookies), str(out), profile],
                         cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROMIUM},
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0 and out.exists(), run.stderr[-3000:]
    return json.loads(out.read_text())


def shell_size(report: dict, origin: str) -> tuple[int, int, list[str]]:
    """(bytes on the wire, bytes gzip-compressed, urls) of the screen's own shell."""
    wire, compressed, urls = 0, 0, []
    for item in report["audits"]["network-requests"]["details"]["items"]:
        url = item["url"]
        if not url.startswith(origin) or item.get("resourceType") not in SHELL_TYPES:
            continue
        if urlsplit(url).path.startswith("/api/"):
            continue
        urls.append(urlsplit(url).path)
        wire += int(item.get("transferSize") or 0)
        body = httpx.get(url, cookies=None).content if item["resourceType"] != "Document" else b""
        compressed += len(gzip.compress(body, 6)) if body else int(item.get("transferSize") or 0)
    return wire, compressed, urls


def interactive(report: dict) -> str:
    """Time to interactive as printed; Lighthouse leaves the figure out when its trace had no
    quiet window to find it in (a loaded machine), and says why."""
    audit = report["audits"]["interactive"]
    if audit.get("numericValue") is None:
        why = audit.get("errorMessage") or audit.get("explanation") or "no value"
        return f"not measured ({why})"
    return f"{audit['numericValue'] / 1000:.2f} s"


def percent(score: float | None) -> str:
    return "not measured" if score is None else str(round(score * 100))


def test_lighthouse_on_the_crew_screen(live, tmp_path, capsys):
    cookies = crew_session(live)
    url = live.url + "/crew/"
    mobile = lighthouse(url, cookies, tmp_path)
    slow3g = lighthouse(url, cookies, tmp_path, "slow3g")
    assert mobile["finalDisplayedUrl"] == url, "the crew screen itself, not the sign-in page"
    scores = {k: percent(mobile["categories"][k]["score"])
              for k in ("performance", "accessibility", "best-practices")}
    wire, compressed, urls = shell_size(slow3g, live.url)
    tti, tti_mobile = interactive(slow3g), interactive(mobile)
    failed = [f"{a['id']}: {a['title']}" for a in
              (mobile["audits"][ref["id"]] for ref in
               mobile["categories"]["accessibility"]["auditRefs"])
              if a.get("score") is not None and a["score"] < 1]
    with capsys.disabled():
        print(f"\nLighthouse {mobile['lighthouseVersion']} on /crew/ "
              f"(mobile, simulated slow 4G): performance {scores['performance']}, "
              f"accessibility {scores['accessibility']}, "
              f"best-practices {scores['best-practices']}; interactive {tti_mobile}")
        print(f"Slow 3G (400 ms, 400 kbit/s, CPU x4): interactive {tti}, "
              f"performance {percent(slow3g['categories']['performance']['score'])}")
        print(f"App shell: {len(urls)} files, {wire / 1024:.1f} kB on the wire (uncompressed "
              f"static files), {compressed / 1024:.1f} kB gzip-compressed")
        if failed:
            print("Accessibility audits not passed: " + "; ".join(failed))
    assert (mobile["categories"]["accessibility"]["score"] or 0) >= 0.9, failed
