"""Every write to the audit trail names its action with `audit.Verb`, never a bare string, so the
list of actions the trail can hold is one enum a reader (or an access-history page) can trust."""

from __future__ import annotations

import ast
from pathlib import Path

from binome.audit.audit import Verb

BINOME = Path(__file__).resolve().parents[2]


def _verb_arguments() -> list[tuple[str, ast.expr]]:
    found = []
    for path in BINOME.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"record", "viewed"}
            ):
                found += [(f"{path}:{node.lineno}", k.value) for k in node.keywords if k.arg == "verb"]
    return found


def test_no_audit_record_names_its_action_with_a_bare_string() -> None:
    verbs = _verb_arguments()
    assert len(verbs) > 80  # the walk found the call sites
    literal = [where for where, value in verbs if isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp)]
    assert literal == []


def test_the_stored_values_of_the_verbs_are_unique_and_fit_the_column() -> None:
    values = [verb.value for verb in Verb]
    assert len(values) == len(set(values))
    assert max(map(len, values)) <= 40
    assert (Verb.CREATED, Verb.FLAGGED_DUPLICATE, Verb.DUO_ENDED_EARLY) == (
        "created",
        "flagged_duplicate",
        "duo ended_early",
    )
