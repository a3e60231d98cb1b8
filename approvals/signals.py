"""Signals other apps listen to (plans, notifications, event day) so approvals never imports them.

`application_transitioned` is sent after the transaction that changed the state has committed
(transaction.on_commit), with: application (fresh instance), transition (name), from_state, to_state, actor,
reason.
"""
from django.dispatch import Signal

application_transitioned = Signal()
