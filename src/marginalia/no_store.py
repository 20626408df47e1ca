"""API answers are never kept by a cache: they carry tokens (sign-in, refresh, a reset)
or what only the caller may read, and a browser or proxy that stored one would hand it
to whoever uses that cache next."""

from marginalia.error_handlers import API_PREFIX


class ApiAnswersNotStored:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
