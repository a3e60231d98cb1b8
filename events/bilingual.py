"""Data rows that users see in Chinese by default and in English when that language is active."""
from django.utils.translation import get_language


def pick_language(zh: str, en: str) -> str:
    language = (get_language() or "zh-hans").lower()
    if language.startswith("en") and en:
        return en
    return zh
