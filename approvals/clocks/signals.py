"""Receivers: a calendar day or a clock policy edited → the stored next deadlines refreshed in the background."""


def clocks_edited(sender, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    from outbox.services import enqueue

    from .tasks import clocks_refresh

    enqueue(clocks_refresh)
