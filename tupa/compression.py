"""gzip for the calendar feeds and the API, and nothing else.

BREACH recovers a secret from a compressed body that also reflects attacker-chosen text.
HTML pages carry CSRF tokens in forms, so they stay uncompressed; the feeds (*.ics) and the
API's JSON (token authentication, no CSRF tokens, no browsable API) carry no secrets.
Django's GZipMiddleware weakens a strong ETag when it compresses (RFC 9110 8.8.1: the gzip
bytes are another representation); views compare If-None-Match weakly, so the W/ form from
a compressed 200 still earns a 304. A 304 gets the same W/ form its 200 would have carried.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers


def compressible(path: str) -> bool:
    return path.endswith(".ics") or path.startswith("/api/")


class FeedAndApiGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not compressible(request.path):
            return response
        if response.status_code == 304:
            patch_vary_headers(response, ("Accept-Encoding",))
            etag = response.get("ETag")
            accepts = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
            if accepts and etag and etag.startswith('"'):
                response.headers["ETag"] = "W/" + etag
            return response
        return super().process_response(request, response)
