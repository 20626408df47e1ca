"""What Django answers when no view does, or a view failed: JSON like every other API
error for paths under /api/, a page of the site's own look for the rest."""

from django.http import HttpResponseNotAllowed, JsonResponse

from web.views import error_page

API_PREFIX = "/api/"


def _answer(request, status: int, api_message: str, title: str, message: str):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"message": api_message}, status=status)
    return error_page(request, status, title, message)


class JsonMethodNotAllowed:
    """Django Ninja answers a method that a path does not take with Django's bare 405
    (an empty text/html page); under /api/ it becomes JSON like every other error, its
    Allow header kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and request.path.startswith(API_PREFIX):
            answer = JsonResponse({"message": "Method not allowed"}, status=405)
            answer["Allow"] = response["Allow"]
            return answer
        return response


def bad_request(request, exception):
    return _answer(
        request,
        400,
        "Bad request",
        "Bad request",
        "The browser sent a request this site could not understand.",
    )


def forbidden(request, exception):
    return _answer(
        request, 403, "Forbidden", "Not allowed", "You are not allowed to open this page."
    )


def not_found(request, exception):
    return _answer(
        request,
        404,
        "Not found",
        "Page not found",
        "There is nothing at this address. The link may be mistyped, or what it "
        "pointed to was deleted.",
    )


def server_error(request):
    return _answer(
        request,
        500,
        "Internal server error",
        "Something went wrong",
        "The server failed to answer. It has been logged; please try again in a moment.",
    )
