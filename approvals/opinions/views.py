"""Pages of department opinions: the department's list of requests, the answer and the withdrawal (posted
from the application's workflow panel). Thin: parse, call approvals.opinions.services, redirect back."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import access
from ..applications import selectors
from ..workflow.views import _back, _report
from . import services
from .models import OpinionRequest


def _opinion_for(request, pk, perm: str) -> tuple[OpinionRequest, object]:
    """The request and its application, if the user holds `perm` on the application (else 404)."""
    opinion = get_object_or_404(OpinionRequest.objects.select_related("department"), pk=pk)
    application = selectors.application_for_user(request.user, opinion.application_id, perm=perm)
    return opinion, application


@login_required
@require_GET
def opinion_list(request):
    """The department official's requests: open ones of its department, soonest due first."""
    user = request.user
    if not (user.is_department_official or user.is_superuser):
        raise PermissionDenied(_("部门意见仅供征求意见部门的审查人员使用。"))
    visible = selectors.applications_visible_to(user, perm=access.OPINE).values("pk")
    opinions = (OpinionRequest.objects.filter(withdrawn_at__isnull=True, application_id__in=visible)
                .filter(department_id=user.authority_id)
                .select_related("application__event__venue", "application__organisation", "department")
                .order_by("verdict", "due_date", "pk"))
    return render(request, "approvals/opinions/opinion_list.html", {"opinions": opinions})


@login_required
@require_POST
def opinion_answer(request, pk):
    opinion, application = _opinion_for(request, pk, access.OPINE)
    try:
        services.opinion_answer(opinion=opinion, actor=request.user, verdict=request.POST.get("verdict", ""),
                                reasons=request.POST.get("reasons", ""),
                                conditions=request.POST.get("conditions", ""))
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("意见已提交，已通知审批民警。"))
    return _back(request, application)


@login_required
@require_POST
def opinion_withdraw(request, pk):
    opinion, application = _opinion_for(request, pk, access.REVIEW)
    try:
        services.opinion_withdraw(opinion=opinion, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("已撤回征求意见。"))
    return _back(request, application)
