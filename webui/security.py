"""Security at the edge: headers on every response, and query strings made safe before Flask reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote_from_bytes

from flask import Flask, Response

__all__ = ["init_app", "CSP", "SECURITY_HEADERS", "SafeQueryString"]

# No inline script or style anywhere: colours come from /static-types.css, not style= attributes.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Printable ASCII stays as it is (``%`` included, so existing escapes are kept).
_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


class SafeQueryString:
    """Percent-encode raw bytes in QUERY_STRING.

    Browsers send queries percent-encoded, but a forged request may carry raw non-ASCII bytes,
    which Werkzeug decodes strictly as UTF-8 when ``request.args`` is first read: a 500 on any
    page. Encoded, they reach the views as U+FFFD like any other invalid sequence.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        if query and not all(0x21 <= ord(ch) < 0x7F for ch in query):
            environ["QUERY_STRING"] = quote_from_bytes(query.encode("latin-1", "replace"), safe=_SAFE)
        return self.wsgi_app(environ, start_response)


def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.wsgi_app = SafeQueryString(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(_headers)
