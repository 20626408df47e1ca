"""The Content-Security-Policy of every answer, which django-csp's middleware sends.

Scripts and styles come only from our own static files, never inline, so a script
injected into a page cannot run and read the tokens the pages keep in localStorage.
The pages call the API (same origin) and long-poll the poll server at its public
URL, usually another origin. JSON data islands (json_script) are not scripts that
run, so the policy need not allow them.
"""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF


def page_policy(realtime_public_url: str) -> dict:
    """django-csp's CONTENT_SECURITY_POLICY setting for these pages."""
    realtime = urlsplit(realtime_public_url)
    realtime_origin = [f"{realtime.scheme}://{realtime.netloc}"] if realtime.netloc else []
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF],
            "connect-src": [SELF, *realtime_origin],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
