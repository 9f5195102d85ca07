"""Hostile inputs for the form fuzzer: a fixed corpus, hypothesis strategies per field kind, and
the forms of a page read from its HTML (so a form added later is fuzzed without a line here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from hypothesis import strategies as st

# Raw, this must never come back in a page: escaped it reads &lt;script&gt;alert(.
MARKER = "<script>alert(1)</script>"
REFLECTION = "<script>alert("

HOSTILE_TEXT = [
    MARKER,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE people_person; --",
    "' OR '1'='1",
    "%_\\'\"`;",
    "NUL\x00byte",
    "\u202eevil\u202c right-to-left override",
    "\ufeff\u200b\u200d zero-width",
    "𝕳𝖊𝖑𝖑𝖔 😀 ع",
    "a" * 100_000,
    " " * 300,
    "\r\n" * 50,
    "-1",
    "0",
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "Infinity",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "1970-01-01T00:00",
    "9999-12-31T23:59",
    "2026-13-45T25:61",
    "../../etc/passwd",
    "€",
    "",
]

# Bytes that are not UTF-8, sent percent-encoded in a raw form body.
INVALID_UTF8 = ["%ff%fe", "%c3%28", "%ed%a0%80", "%80abc", "%f8%88%80%80%80"]


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    multipart: bool = False


class FormParser(HTMLParser):
    """Every <form method="post"> of a page, with its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""), multipart="multipart" in a.get("enctype", ""))
                self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            if name in self._form.fields and kind in {"checkbox", "radio"}:
                self._form.fields[name].options.append(a.get("value", "on"))
                self._form.fields[name].multiple = kind == "checkbox"
                return
            self._form.fields[name] = Field(name, kind, a.get("value", ""), options=[a.get("value", "on")])
        elif tag == "textarea":
            self._form.fields[name] = Field(name, "textarea")
        elif tag == "select":
            self._select = Field(name, "select", multiple="multiple" in a)
            self._form.fields[name] = self._select
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.fields.setdefault(name, Field(name, "hidden", a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(HOSTILE_TEXT),
    st.builds(lambda a, b: a + MARKER + b, st.text(max_size=20), st.text(max_size=20)),
)
NUMBER = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True).map(str),
    TEXT,
)
DATE = st.one_of(st.dates().map(lambda d: d.isoformat()), TEXT)
DATETIME = st.one_of(st.datetimes().map(lambda d: d.isoformat(timespec="minutes")), TEXT)


def value_strategy(f: Field) -> st.SearchStrategy[Any]:
    """What to send for one field: plausible values mixed with hostile ones, or nothing at all."""
    if f.kind in {"checkbox", "radio"} or f.kind == "select":
        choice = st.one_of(st.sampled_from(f.options or [""]), TEXT)
        if f.multiple:
            return st.lists(choice, max_size=4)
        return choice
    if f.kind == "number":
        return NUMBER
    if f.kind == "date":
        return DATE
    if f.kind in {"datetime-local", "time"}:
        return DATETIME
    if f.kind == "hidden":
        return st.one_of(st.just(f.value), st.just(f.value), TEXT)
    if f.kind == "file":
        return st.binary(max_size=2000)
    return TEXT


def payload_strategy(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """A value (or its absence) for every field of the form."""
    return st.fixed_dictionaries(
        {},
        optional={name: value_strategy(f) for name, f in form.fields.items()},
    )


def baseline(form: Form) -> dict[str, Any]:
    """The form as the page offers it: hidden values kept, first option of each choice."""
    data: dict[str, Any] = {}
    for name, f in form.fields.items():
        if f.kind in {"hidden"} or f.value:
            data[name] = f.value
        elif f.options and f.kind in {"select", "radio"}:
            data[name] = next((o for o in f.options if o), "")
    return data
