"""Pages of the application journey. Thin: forms in, services do the work, selectors read."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def application_list(request):
    return HttpResponse("TODO")


@login_required
def reviewer_inbox(request):
    return HttpResponse("TODO")
