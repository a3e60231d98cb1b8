"""Responses to a signed-in user stay out of every cache (browser, shared proxy): `Cache-Control: no-store`.

Placed after AuthenticationMiddleware; it looks at the user once the view has run, so a DRF view authenticated by
an API token (DRF sets the Django request's user) counts as signed in too. Static files never get here (whitenoise
answers them earlier) and neither does anonymous traffic such as the public sign-in page: both stay cacheable.
"""
from django.utils.cache import add_never_cache_headers


class NoStoreForAuthenticatedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response
