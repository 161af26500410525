"""End to end, in a real browser: the console tells the dispatcher their monthly feedback is
ready (issue 15), with a link to it on the follow-up screen.

- anna's console is open when her November report is made: the `feedback.ready` event on her
  own stream shows "Din månadsrapport för november är klar" with the link.
- A report made while her console was closed is told once when it starts, while unread; once
  read, it is not told again.

One real server (uvicorn, its own database, seed_demo) for the module; the report is made by
`manage.py shell` in another process, so the console hears of it through the stream's sync
(here at once: the page is told the network is back).
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import CONSOLE, sign_in

pytestmark = pytest.mark.browser

NOTICE = "Din månadsrapport för november är klar"
MAKE = """
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from accounts.models import User
from crews.models import Region
from dispatch.models import Case
from followup.services import dispatcher_reports_make
anna = User.objects.get(username="anna")
at = datetime(2026, 11, 12, 10, tzinfo=ZoneInfo("Europe/Stockholm"))
Case.objects.create(region=Region.objects.get(code="VML"), caller_number="+46701234567",
                    address="Stora torget 1, Västerås", latitude=59.6099, longitude=16.5448,
                    complaint="Bröstsmärta", mbs_priority="1A", priority="1A",
                    call_received_at=at - timedelta(seconds=10), call_answered_at=at,
                    registered_at=at, first_alert_at=at + timedelta(seconds=70),
                    first_alert_priority="1A", created_by=anna)
dispatcher_reports_make(month=date(2026, 11, 1))
"""


def console_of_anna(open_page, live):
    page = open_page(CONSOLE, locale="sv-SE")
    sign_in(page, live.url, "anna", "/console/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    return page


def test_the_console_tells_the_dispatcher_their_report_is_ready(open_page, live):
    anna = console_of_anna(open_page, live)
    expect(anna.locator(".notice-feedback")).to_have_count(0)
    live.manage("shell", "-c", MAKE)
    anna.evaluate("window.dispatchEvent(new Event('online'))")  # the stream syncs at once
    notice = anna.locator(".notice-feedback")
    expect(notice).to_contain_text(NOTICE)
    link = notice.get_by_role("link")
    expect(link).to_have_attribute("href", "/followup/#feedback")

    # Another console started later tells the same unread report once, at start-up.
    again = console_of_anna(open_page, live)
    expect(again.locator(".notice-feedback")).to_contain_text(NOTICE)
    expect(again.locator(".notice-feedback")).to_have_count(1)

    # Once read (as the follow-up screen marks it), a new console says nothing.
    again.evaluate("""async () => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)?.[1] || '';
        const list = await (await fetch('/api/followup/feedback/')).json();
        await fetch(`/api/followup/feedback/${list.reports[0].id}/read/`,
                    {method: 'POST', headers: {'X-CSRFToken': token}});
    }""")
    third = open_page(CONSOLE, locale="sv-SE")
    with third.expect_response(lambda r: r.url.endswith("/api/followup/feedback/")) as asked:
        sign_in(third, live.url, "anna", "/console/")
    asked.value.finished()
    third.evaluate("() => new Promise((done) => requestAnimationFrame(() => "
                   "requestAnimationFrame(done)))")
    expect(third.locator(".notice-feedback")).to_have_count(0)
