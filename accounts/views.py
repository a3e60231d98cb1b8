"""The landing page sends each role to where its work is."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    user = request.user
    if user.is_police:
        return redirect("approvals:inbox")
    if user.is_culture_official:
        return redirect("review:vetting_list")
    return redirect("approvals:list")
