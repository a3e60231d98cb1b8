"""The landing page sends each role to where its work is."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import roles


@login_required
def home(request):
    user = request.user
    if user.is_police:
        return redirect("approvals:inbox")
    if user.is_culture_official:
        return redirect("review:vetting_list")
    if user.is_department_official:
        return redirect("review:opinion_list")
    if user.has_role(roles.ORGANIZER):
        return redirect("approvals:list")
    if user.has_role(roles.SECURITY_COMPANY):
        return redirect("eventday:list")  # its guards staff the gates: the event day is its work
    if user.is_staff:
        return redirect("admin:index")
    return redirect("approvals:list")


@login_required
def signed_in_again(request):
    """After the idle logout, the user signed in again in a new tab: go back to the first tab and retry there
    (what was typed is still in that tab's form)."""
    return render(request, "accounts/signed_in_again.html")
