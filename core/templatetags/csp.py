"""{% csp_script %}...{% endcsp_script %} and {% csp_style %}...{% endcsp_style %}: an
inline <script> or <style> that the page's Content-Security-Policy allows by the hash of
exactly what was rendered (core.csp), so no policy needs 'unsafe-inline'."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.csp import allow_inline

register = template.Library()


class InlineNode(template.Node):
    def __init__(self, kind: str, nodelist):
        self.kind = kind
        self.nodelist = nodelist

    def render(self, context) -> str:
        text = self.nodelist.render(context)
        allow_inline(context.get("request"), self.kind, text)
        return format_html("<{}>{}</{}>", self.kind, mark_safe(text), self.kind)  # noqa: S308


def _inline(kind: str):
    def tag(parser, token):
        nodelist = parser.parse((f"endcsp_{kind}",))
        parser.delete_first_token()
        return InlineNode(kind, nodelist)

    return tag


register.tag("csp_script", _inline("script"))
register.tag("csp_style", _inline("style"))
