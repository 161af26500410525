"""Django's ASGI handler with the whole request in one hop to the sync thread.

Django 5.2 builds an ASGI server's middleware chain for async: each of its own middleware
(MiddlewareMixin) then hops to the sync thread and back for each of its hooks, a sync-only
one hops the other way, and the sync view hops again (issue 18 measured 21 % of a dispatch
outside the view, mostly this). Every view of the project is sync (Django's and DRF's), so
here the chain is built as WSGI builds it and run, view included, in one `sync_to_async`
call: one hop there and one back per request. WebSockets do not pass here (channels)."""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneHopASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
