"""What the i18n tests read: the catalogues, the messages the code asks for, and the text a template
shows without asking for a translation.

- `catalogue(po_file)`: every entry of a .po file, (context, msgid) → its msgstr(s).
- `template_messages(text)`: the (context, msgid) of each {% translate %} / {% blocktranslate %}
  of a template, as `makemessages` would extract them (Django's own `templatize`).
- `python_messages(source)`: the (context, msgid) of each gettext call with literal arguments.
- `bare_text(text)`: the visible text a template writes outside any translation tag: text nodes,
  and the attributes a person reads or hears (title, aria-label, placeholder, alt, label, and the
  value of a submit/button/reset input). A `<button value>` is not shown, so it is not counted.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

Key = tuple[str | None, str]

_PO_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def catalogue(po_file: Path) -> dict[Key, list[str]]:
    """Read line by line: an entry ends where the next one's comment, msgctxt or msgid starts (a
    missing blank line between two entries does not merge them, as it does not for msgfmt)."""
    entries: dict[Key, list[str]] = {}
    fields: dict[str, str] = {}
    key = ""

    def flush() -> None:
        if fields.get("msgid"):
            entries[(fields.get("msgctxt"), fields["msgid"])] = [v for k, v in fields.items() if k.startswith("msgstr")]
        fields.clear()

    for line in po_file.read_text(encoding="utf-8").splitlines():
        found = _PO_FIELD.match(line)
        starts_entry = line.startswith("#") or (found is not None and found.group(1) in {"msgctxt", "msgid"})
        if starts_entry and any(k.startswith("msgstr") for k in fields):
            flush()
        if found is not None:
            key = found.group(1)
            fields[key] = ast.literal_eval(f'"{found.group(2)}"')
        elif line.startswith('"') and key:
            fields[key] += ast.literal_eval(line)
    flush()
    return entries


def missing_from(entries: dict[Key, list[str]], keys: list[Key]) -> list[Key]:
    """The keys without an entry, or whose entry has an empty translation."""
    return [key for key in keys if not all(entries.get(key) or [""])]


_CALL = re.compile(r"(?<![\w.])(n?p?gettext|_)\(")
_LITERAL = re.compile(r"""u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_ARGUMENT_SEPARATOR = re.compile(r"\s*,\s*")


def template_messages(text: str) -> list[Key]:
    code = templatize(text)
    found: list[Key] = []
    for call in _CALL.finditer(code):
        args: list[str] = []
        position = call.end()
        while (literal := _LITERAL.match(code, position)) is not None:
            args.append(ast.literal_eval(literal.group(1)))
            position = literal.end()
            separator = _ARGUMENT_SEPARATOR.match(code, position)
            if separator is None:
                break
            position = separator.end()
        name = call.group(1)
        if name.startswith(("p", "np")):
            if len(args) >= 2:
                found.append((args[0], args[1]))
        elif args:  # {% translate variable %} has no literal to look up
            found.append((None, args[0]))
    return found


_PYTHON_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "_lazy"}
_PYTHON_CONTEXT_CALLS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def python_messages(source: str) -> list[Key]:
    found: list[Key] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        literals = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if name in _PYTHON_CALLS and literals and literals[0] is not None:
            found.append((None, literals[0]))
        elif name in _PYTHON_CONTEXT_CALLS and len(literals) >= 2 and literals[1] is not None:
            found.append((literals[0], literals[1]))
    return found


# --- text shown outside a translation tag ------------------------------------------------------

VARIABLE = "\x00"
_SKIPPED_BLOCKS = {"blocktranslate", "blocktrans", "comment", "verbatim"}
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_READ_ATTRIBUTES = {"title", "aria-label", "aria-description", "placeholder", "alt", "label"}
_SHOWN_INPUT_VALUES = {"submit", "button", "reset"}
_WORD = re.compile(r"[^\W\d_]{2,}")
_ADDRESS = re.compile(r"^(/|https?://|[^@\s]+@)")  # a path, a link or an email address


def _flatten(text: str) -> str:
    """The template with tags removed: a variable or a translation becomes a placeholder, a
    {% blocktranslate %} one placeholder, a comment nothing; a {% block x_class %} (a CSS class
    handed to the base template) is dropped."""
    out: list[str] = []
    until = ""
    for token in Lexer(text).tokenize():
        words = token.contents.split()
        if until:
            if token.token_type == TokenType.BLOCK and words and words[0] == until:
                until = ""
            continue
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(VARIABLE)
        elif token.token_type == TokenType.BLOCK and words:
            if words[0] in _SKIPPED_BLOCKS:
                until = f"end{words[0]}"
                out.append(VARIABLE if words[0].startswith("blocktrans") else "")
            elif words[0] == "block" and len(words) > 1 and words[1].endswith("_class"):
                until = "endblock"
            elif words[0] in {"translate", "trans"}:
                out.append(VARIABLE)
    return "".join(out)


class _Finder(HTMLParser):
    def __init__(self, allowed: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.open: list[str] = []
        self.found: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)
        kind = dict(attrs).get("type") or ""
        for name, value in attrs:
            shown = name in _READ_ATTRIBUTES or (
                name == "value" and tag == "input" and kind.lower() in _SHOWN_INPUT_VALUES
            )
            if shown and value:
                self._check(value, f"<{tag} {name}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1] in {"script", "style"}):
            self._check(data, "text")

    def _check(self, value: str, where: str) -> None:
        words = [w for w in value.replace(VARIABLE, " ").split() if w not in self.allowed and not _ADDRESS.match(w)]
        if _WORD.search(" ".join(words)):
            self.found.append((self.getpos()[0], where, " ".join(value.replace(VARIABLE, "{…}").split())))


def bare_text(text: str, *, allowed: frozenset[str] = frozenset()) -> list[tuple[int, str, str]]:
    """(line, where, text) of each piece of visible text outside a translation tag; words in
    `allowed` (names and acronyms read the same in every language) do not count."""
    finder = _Finder(set(allowed))
    finder.feed(_flatten(text))
    finder.close()
    return finder.found
