"""The transition table as the model declares it (django-fsm on Application.state), read through its public
Transition objects: which states a transition starts from, and whether a user's role may fire it."""
from functools import cache

from ..applications.models import Application


@cache
def _table() -> dict:
    table: dict = {}
    for transition in Application._meta.get_field("state").get_all_transitions(Application):
        table.setdefault(transition.name, {})[transition.source] = transition
    return table


def transition_names() -> tuple[str, ...]:
    return tuple(_table())


def sources(name: str) -> frozenset:
    """The states `name` may be fired from (the model's `source=`)."""
    return frozenset(_table()[name])


def allows(application: Application, name: str) -> bool:
    """The application's state is one the transition starts from (its conditions are the services' to explain)."""
    by_source = _table()[name]
    return application.state in by_source or "*" in by_source


def permits(application: Application, name: str, user) -> bool:
    """The transition's `permission=` (role AND object permission) lets `user` fire it from the current state."""
    by_source = _table()[name]
    transition = by_source.get(application.state) or by_source.get("*")
    return bool(transition is not None and user is not None and transition.has_perm(application, user))
