"""Validation of a plan section's structured fields against the field list in the catalogue (pure functions)."""
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from events.bilingual import pick_language


def field_label(field: dict) -> str:
    return pick_language(field.get("label_zh", field["key"]), field.get("label_en", ""))


def clean_section_data(fields: list[dict], raw: dict) -> tuple[dict, dict[str, str]]:
    """Convert raw input to typed values. Empty values are allowed (a draft may be partial).

    Returns (cleaned, errors); errors are keyed by field key, one message each.
    """
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for field in fields:
        key, kind = field["key"], field.get("type", "text")
        value = raw.get(key)
        if kind == "bool":
            cleaned[key] = value in (True, "true", "True", "on", "1", 1, "yes")
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if kind == "text":
            cleaned[key] = str(value).strip()[:2000]
            continue
        try:
            number = int(str(value).strip()) if kind == "int" else Decimal(str(value).strip())
        except (ValueError, InvalidOperation):
            errors[key] = _("“%(label)s”须为数字。") % {"label": field_label(field)}
            continue
        if kind == "decimal" and not number.is_finite():
            errors[key] = _("“%(label)s”须为数字。") % {"label": field_label(field)}
            continue
        minimum = field.get("min")
        if minimum is not None and number < minimum:
            errors[key] = _("“%(label)s”不能小于 %(min)s。") % {"label": field_label(field), "min": minimum}
            continue
        maximum = field.get("max")
        if maximum is not None and number > maximum:
            errors[key] = _("“%(label)s”不能大于 %(max)s。") % {"label": field_label(field), "max": maximum}
            continue
        if number > 10_000_000:
            errors[key] = _("“%(label)s”数值过大。") % {"label": field_label(field)}
            continue
        cleaned[key] = int(number) if kind == "int" else float(number)
    return cleaned, errors


def missing_section_fields(fields: list[dict], data: dict) -> list[dict]:
    """The required fields still empty: what keeps a section from being complete."""
    return [f for f in fields if f.get("required") and f.get("type") != "bool" and data.get(f["key"]) in (None, "")]


def section_is_complete(fields: list[dict], data: dict, narrative: str, narrative_required: bool) -> bool:
    if narrative_required and not narrative.strip():
        return False
    return not missing_section_fields(fields, data)
