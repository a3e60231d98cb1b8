"""Template tags of plans: the context of the plan panel on pages that only have the application."""
from django import template

from ..selectors import plan_panel
from ..services import RENDERABLE_STATES, plan_may_regenerate

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_panel_context(context, application) -> dict:
    """One query: the newest versions of the application's plan, and what the user may do with them."""
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return {
        "application": application,
        "plan_panel": plan_panel(application),
        "plan_may_regenerate": plan_may_regenerate(user, application),
        "plan_renderable": application.state in RENDERABLE_STATES,
    }
