"""Signals other apps listen to (plans, notifications, event day) so approvals never imports them.

`application_transitioned` is sent after the transaction that changed the state has committed
(transaction.on_commit) by approvals.workflow's one write path (`_fire`, submission included), with:
application (fresh instance), transition (name), from_state, to_state, actor, reason, and reassessed=True (the
re-assessment was already enqueued in the transaction: approvals.risk.bridge.reassess_after_commit).
"""
from django.dispatch import Signal

application_transitioned = Signal()

# Sent (after commit) whenever what the risk model reads may have changed: event facts, sections, lineup,
# vetting. Arguments: application, actor, what (a short code such as "facts", "section", "lineup", "vetting").
application_changed = Signal()

# Sent (after commit) when an approved change (变更, Order 505 Art. 20) amended the permit's facts: plans
# re-requests the plan PDF. Arguments: application, actor.
permit_amended = Signal()
