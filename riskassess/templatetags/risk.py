"""Template helpers for stored assessments: texts in the reader's language, level names, bar widths."""
from django import template
from django.conf import settings
from django.utils.translation import get_language, gettext

from events.bilingual import pick_language
from riskassess.models import level_name

register = template.Library()


@register.simple_tag
def risk_text(item: dict, key: str) -> str:
    """A stored text (explanation, value, reason…) in the active language; stored text if untranslatable."""
    stored = item.get(key, "")
    pair = item.get(f"{key}_i18n")
    if not pair or (get_language() or settings.LANGUAGE_CODE).lower() == settings.LANGUAGE_CODE.lower():
        return stored
    message, params = pair
    try:
        text = gettext(message)
        return text % {name: _word(value) for name, value in params.items()} if params else text
    except (KeyError, TypeError, ValueError, AttributeError):
        return stored


def _word(value):
    """A word stored into a message (a density band, a kind of event, a level code such as 三级) translated too."""
    if not isinstance(value, str) or not value:
        return value
    translated = gettext(value)
    return level_name(value) if translated == value else translated


@register.simple_tag
def risk_label(item: dict, key: str = "label") -> str:
    return pick_language(item.get(key, ""), item.get(f"{key}_en", ""))


@register.filter
def security_level(code: str) -> str:
    """一级 … 四级 in the reader's language."""
    return level_name(code) if code else ""
