"""What an outside audience may see of a table of counts: one decision, whatever renders it.

A table is a set of cells (counts of people) bound by additivity equations (a total is the sum of
its parts: a row total, a column total, the grand total, a funnel step and the people it lost).
For staff every cell shows. For a funder or a company contact:

1. primary suppression: every cell with 0 < count < threshold is hidden (with its rate, interval
   and chart bar, which the renderers derive from the cells);
2. complementary suppression: while some hidden cell could be worked out from the published cells
   and the equations, the smallest published cell sharing an equation with it (the next smallest
   cell of its row or column, or the total) is hidden as well.

"Worked out" is checked exactly: for each hidden cell, its minimum and maximum over the integer
solutions of the equations, the published cells fixed and every hidden cell ≥ 0 (a small integer
program, scipy's milp). A hidden cell is protected when that interval is at least `margin` wide
(by default the threshold: "<5" cannot be narrowed down to a handful of values, let alone pinned).

Pure: no Django, so the page, the PDF and the spreadsheet of one period share one decision.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

Key = Hashable
SMALL_CELL = 5
STAFF = "staff"
TOTAL = "total"


@dataclass(frozen=True)
class Table:
    """Counts and the equations between them: `sums` holds (total, parts) pairs, total = Σ parts."""

    cells: Mapping[Key, int]
    sums: tuple[tuple[Key, tuple[Key, ...]], ...] = ()


@dataclass(frozen=True)
class Decision:
    hidden: frozenset[Key] = field(default_factory=frozenset)
    primary: frozenset[Key] = field(default_factory=frozenset)  # hidden because small

    def shows(self, key: Key) -> bool:
        return key not in self.hidden


def grid(counts: Mapping[tuple[Key, Key], int]) -> Table:
    """A rows × columns table whose row, column and grand totals are published cells too:
    cell (r, c), totals (r, TOTAL), (TOTAL, c) and (TOTAL, TOTAL)."""
    rows = sorted({r for r, _c in counts}, key=repr)
    cols = sorted({c for _r, c in counts}, key=repr)
    cells: dict[Key, int] = {}
    for r in rows:
        for c in cols:
            cells[(r, c)] = int(counts.get((r, c), 0))
    sums: list[tuple[Key, tuple[Key, ...]]] = []
    for r in rows:
        cells[(r, TOTAL)] = sum(cells[(r, c)] for c in cols)
        sums.append(((r, TOTAL), tuple((r, c) for c in cols)))
    for c in cols:
        cells[(TOTAL, c)] = sum(cells[(r, c)] for r in rows)
        sums.append(((TOTAL, c), tuple((r, c) for r in rows)))
    cells[(TOTAL, TOTAL)] = sum(cells[(r, TOTAL)] for r in rows)
    sums.append(((TOTAL, TOTAL), tuple((r, TOTAL) for r in rows)))
    return Table(cells=cells, sums=tuple(sums))


def decide(table: Table, *, audience: str, threshold: int = SMALL_CELL, margin: int | None = None) -> Decision:
    """The cells `audience` may not see (none for staff). The one disclosure rule of the project."""
    if audience == STAFF:
        return Decision()
    margin = threshold if margin is None else margin
    primary = frozenset(k for k, v in table.cells.items() if 0 < v < threshold)
    hidden = set(primary)
    beyond_help: set[Key] = set()  # exposed with its whole block hidden: nothing more to hide
    while True:
        exposed = _first_exposed(table, hidden, margin, skip=beyond_help)
        if exposed is None:
            return Decision(hidden=frozenset(hidden), primary=primary)
        partner = _complement(table, hidden, exposed)
        if partner is None:  # every neighbour is hidden: hide the next cell of its block
            partner = next((k for k in _block(table, exposed) if k not in hidden), None)
        if partner is None:
            beyond_help.add(exposed)
        else:
            hidden.add(partner)


def bounds(table: Table, hidden: Iterable[Key]) -> dict[Key, tuple[float, float]]:
    """Min and max of each hidden cell over the integer solutions consistent with what is shown."""
    # numpy and scipy load on the first published table, not in every web worker at start-up.
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    hidden = list(dict.fromkeys(hidden))
    if not hidden:
        return {}
    index = {k: i for i, k in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in table.sums:
        coefficients = np.zeros(len(hidden))
        constant = 0.0  # Σ parts − total = 0, with the published cells moved to the right
        for key, sign in [(total, -1.0), *((p, 1.0) for p in parts)]:
            if key in index:
                coefficients[index[key]] += sign
            else:
                constant -= sign * table.cells[key]
        if coefficients.any():
            rows.append(coefficients)
            rhs.append(constant)
    constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
    integrality = np.ones(len(hidden))
    box = Bounds(np.zeros(len(hidden)), np.full(len(hidden), np.inf))
    result: dict[Key, tuple[float, float]] = {}
    for key, i in index.items():
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        low = milp(objective, constraints=constraints, integrality=integrality, bounds=box)
        high = milp(-objective, constraints=constraints, integrality=integrality, bounds=box)
        result[key] = (
            float(round(low.x[i])) if low.status == 0 else 0.0,
            float(round(high.x[i])) if high.status == 0 else float("inf"),
        )
    return result


def _first_exposed(table: Table, hidden: set[Key], margin: int, *, skip: set[Key]) -> Key | None:
    """A hidden cell whose feasible interval is narrower than `margin`, smallest first."""
    for component in _components(table, hidden):
        found = bounds(_restricted(table, component), [k for k in component if k in hidden])
        narrow = [k for k, (lo, hi) in found.items() if hi - lo < margin and k not in skip]
        if narrow:
            return min(narrow, key=lambda k: (table.cells[k], repr(k)))
    return None


def _complement(table: Table, hidden: set[Key], key: Key) -> Key | None:
    """The smallest published cell sharing an equation with `key`; a non-zero one if any (a zero
    hidden beside a cell bounds it by its own value)."""
    neighbours = {k for total, parts in table.sums if key == total or key in parts for k in (total, *parts)}
    candidates = [k for k in neighbours if k not in hidden]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (table.cells[k] == 0, table.cells[k], repr(k)))


def _block(table: Table, key: Key) -> list[Key]:
    """Every cell linked to `key` through equations, in a stable order."""
    seen, todo = {key}, [key]
    while todo:
        current = todo.pop()
        for total, parts in table.sums:
            members = (total, *parts)
            if current in members:
                for k in members:
                    if k not in seen:
                        seen.add(k)
                        todo.append(k)
    return sorted(seen, key=lambda k: (table.cells[k], repr(k)))


def _components(table: Table, hidden: set[Key]) -> list[set[Key]]:
    """Groups of cells linked by equations that hold a hidden cell: each is checked on its own."""
    done: set[Key] = set()
    groups = []
    for key in sorted(hidden, key=repr):
        if key not in done:
            group = set(_block(table, key))
            done |= group
            groups.append(group)
    return groups


def _restricted(table: Table, component: set[Key]) -> Table:
    sums = tuple((t, p) for t, p in table.sums if t in component)
    return Table(cells={k: table.cells[k] for k in component}, sums=sums)
