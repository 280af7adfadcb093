#!/usr/bin/env python
"""Health check of the web container: GET ``/healthz`` with urllib (slim images have no curl).

    python docker/healthcheck.py [URL]     # default http://127.0.0.1:8000/healthz

Exits 0 when the answer is 200. The request carries a Host from ALLOWED_HOSTS
(Django rejects others) and ``X-Forwarded-Proto: https``, which gunicorn
trusts from 127.0.0.1, so HTTPS=1 does not answer with a redirect to https.
Redirects are not followed: they would leave the container.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def allowed_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = entry.strip().lstrip(".")
        if host and "*" not in host:
            return host
    return "localhost"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def main(argv: list[str]) -> int:
    url = argv[0] if argv else DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        print(f"healthcheck: not an http(s) URL: {url!r}", file=sys.stderr)
        return 2
    request = urllib.request.Request(url, headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"})  # noqa: S310 (checked above)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            body = response.read(2000).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read(2000).decode("utf-8", "replace")
        status = exc.code
    except (OSError, ValueError) as exc:
        print(f"healthcheck: {url} unreachable: {exc}", file=sys.stderr)
        return 1
    print(f"healthcheck: {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
