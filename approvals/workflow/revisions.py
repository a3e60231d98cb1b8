"""What changed in an application between two snapshots: the revision diff reviewers read after a correction
(补正). Pure: plain dicts in, plain records out, no Django (approvals.workflow.corrections takes the snapshots and
names what changed).

A snapshot is `{kind: {key: {"label": str, "values": {name: value}}}}`: a kind of item (field, session, section,
document, party, performer, song), each item by its key with the name it had then, and its values as JSON
primitives (str, int, float, bool, None, or a list of those). A `fields` kind holds one item per event field
("values" then has the single name "value").
"""
from dataclasses import dataclass

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# The order changes are listed in (the order of the item catalogue); kinds not named here come after.
KIND_ORDER = ("field", "session", "section", "document", "party", "performer", "song")


@dataclass(frozen=True)
class Change:
    kind: str  # the item's kind (CorrectionRequest.ItemKind)
    key: str  # the item's key within its kind
    label: str  # the item's name (the newer one when it was renamed)
    change: str  # ADDED, REMOVED or CHANGED
    field: str = ""  # the value that changed (CHANGED only)
    old: object = None
    new: object = None


def _same(old, new) -> bool:
    """Equal as a reader sees it: lists in any order, None and "" alike (an empty field is empty)."""
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(str, old)) == sorted(map(str, new))
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def diff(before: dict, after: dict) -> list[Change]:
    """Every change from `before` to `after`: items added or removed, and each value that differs (old → new).

    Items keep the order `after` has them in (then the removed ones, in `before`'s order); values keep the order
    of the newer snapshot's item."""
    changes: list[Change] = []
    for kind in sorted(set(before) | set(after), key=lambda k: (_kind_rank(k), k)):
        old_items, new_items = before.get(kind) or {}, after.get(kind) or {}
        for key, new_item in new_items.items():
            old_item = old_items.get(key)
            label = new_item.get("label", "")
            if old_item is None:
                changes.append(Change(kind, str(key), label, ADDED))
                continue
            old_values, new_values = old_item.get("values") or {}, new_item.get("values") or {}
            for name in [*new_values, *(n for n in old_values if n not in new_values)]:
                old, new = old_values.get(name), new_values.get(name)
                if not _same(old, new):
                    changes.append(Change(kind, str(key), label or old_item.get("label", ""), CHANGED, name, old, new))
        for key, old_item in old_items.items():
            if key not in new_items:
                changes.append(Change(kind, str(key), old_item.get("label", ""), REMOVED))
    return changes


def changed_items(changes: list[Change]) -> list[tuple[str, str]]:
    """The (kind, key) of each item that changed, once each, in order."""
    return list(dict.fromkeys((change.kind, change.key) for change in changes))
