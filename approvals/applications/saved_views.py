"""Saved views of the reviewer queue: a name for the current filter set, per user (reads and writes)."""
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import SavedInboxView
from .filters import ApplicationFilter

# What a saved view keeps of the inbox's query: its filters and its sort, never the page.
KEPT_PARAMS = frozenset(ApplicationFilter.base_filters) | {"sort"}
MAX_PER_USER = 20


def saved_views_of(user):
    return SavedInboxView.objects.filter(user=user) if user.is_authenticated else SavedInboxView.objects.none()


def kept_query(params) -> str:
    """The query string of the filters in `params` (a QueryDict): known parameters with a value, in order."""
    pairs = [(key, value) for key in sorted(params) if key in KEPT_PARAMS
             for value in params.getlist(key) if value not in ("", None)]
    return urlencode(pairs)


@transaction.atomic
def saved_view_save(*, user, name: str, params) -> SavedInboxView:
    """Save (or, under a name already used, replace) the filter set as a named view of this user."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("请给视图起个名称。")})
    existing = saved_views_of(user).filter(name=name).first()
    if existing is None and saved_views_of(user).count() >= MAX_PER_USER:
        raise ValidationError({"name": _("最多保存 %(n)s 个视图，请先删除不用的。") % {"n": MAX_PER_USER}})
    view = existing or SavedInboxView(user=user, name=name)
    view.query = kept_query(params)[:1000]
    view.full_clean()
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, user, pk) -> bool:
    """Delete one of the user's own views; another user's id deletes nothing (False)."""
    deleted, _rows = saved_views_of(user).filter(pk=pk).delete() if str(pk).isdigit() else (0, None)
    return bool(deleted)
