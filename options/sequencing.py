"""Suggested order for a set of options: what can come first, what follows.

Pure functions on plain values, so the rule is easy to test without a database.
"""

from dataclasses import dataclass, field


@dataclass
class Sequence:
    steps: list = field(default_factory=list)
    # Items caught in a prerequisite cycle (the admin refuses cycles, but imports could add one).
    unordered: list = field(default_factory=list)


def layered_sequence(items, prerequisites, key=None):
    """Split ``items`` into steps: step 1 has no unmet prerequisites, step n+1 needs only
    items from steps 1..n.

    ``prerequisites`` maps an item's key to the keys it depends on. Keys that are not among
    ``items`` (hidden or draft options, options of another question) are ignored. Within a step
    items keep their input order, so the result is deterministic.
    """
    key = key or (lambda item: item)
    keys = [key(item) for item in items]
    known = set(keys)
    needs = {k: set(prerequisites.get(k, ())) & known - {k} for k in keys}

    sequence, placed = Sequence(), set()
    remaining = list(zip(keys, items, strict=True))
    while remaining:
        ready = [(k, item) for k, item in remaining if needs[k] <= placed]
        if not ready:
            sequence.unordered = [item for _, item in remaining]
            break
        sequence.steps.append([item for _, item in ready])
        placed |= {k for k, _ in ready}
        remaining = [(k, item) for k, item in remaining if k not in placed]
    return sequence
