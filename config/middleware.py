"""Responses to a signed-in user stay out of every cache (browser, shared proxy): `Cache-Control: no-store`.

Placed after AuthenticationMiddleware; it looks at the user once the view has run, so a DRF view authenticated by
an API token (DRF sets the Django request's user) counts as signed in too. Static files never get here (whitenoise
answers them earlier) and neither does anonymous traffic such as the public sign-in page: both stay cacheable.
"""
import time

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


class ServerTimingMiddleware:
    """`Server-Timing: app;dur=<ms>, cpu;dur=<ms>` on every response: the time Django spent on the request, from
    the first middleware to the last (without the time it waited for a worker to take it), and the CPU time of
    the thread that served it (on a busy machine the first grows with the waiting for a CPU, the second does
    not). The benchmarks (bench/request_times.py, bench/load.py) report them beside what the client measured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        began, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = (f"app;dur={(time.perf_counter() - began) * 1000:.1f}, "
                                     f"cpu;dur={(time.thread_time() - cpu) * 1000:.1f}")
        return response
