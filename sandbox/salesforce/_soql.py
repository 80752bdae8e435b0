"""A parser for the SOQL subset the connectors use, with Salesforce's error messages.

Supported: ``SELECT`` field list (relationship paths like ``Account.Industry``) or
``COUNT()``; ``FROM``; ``WHERE`` with AND/OR/NOT/parentheses, ``= != <> < > <= >=``,
``[NOT] IN (...)``, ``LIKE``, ``null``, booleans, strings, numbers, date and datetime literals
and relative date literals (``TODAY``, ``LAST_N_DAYS:n`` ...); ``ORDER BY`` with ASC/DESC and
NULLS FIRST/LAST; ``LIMIT``; ``OFFSET``.  Anything else is a ``MALFORMED_QUERY``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Cond", "DateLiteral", "Query", "SoqlError", "parse"]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:[^'\\]|\\.)*')
    | (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?)
    | (?P<op>!=|<>|<=|>=|=|<|>|\(|\)|,)
    )""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
_DATE_LITERALS = {
    "TODAY",
    "YESTERDAY",
    "TOMORROW",
    "THIS_WEEK",
    "LAST_WEEK",
    "NEXT_WEEK",
    "THIS_MONTH",
    "LAST_MONTH",
    "NEXT_MONTH",
    "LAST_90_DAYS",
    "NEXT_90_DAYS",
    "THIS_YEAR",
    "LAST_YEAR",
}
_N_LITERALS = {"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_WEEKS", "NEXT_N_WEEKS"}


class SoqlError(Exception):
    """A query the org would refuse: ``code`` is MALFORMED_QUERY, INVALID_FIELD or INVALID_TYPE."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DateLiteral:
    """A relative date literal such as ``TODAY`` or ``LAST_N_DAYS:30``."""

    name: str
    n: int = 0


@dataclass
class Cond:
    """A WHERE node: ``op`` is and/or/not (``args`` are Conds) or a comparison on ``field``."""

    op: str
    args: list[Cond] = field(default_factory=list)
    field: str = ""
    value: Any = None
    pos: int = 0


@dataclass
class Query:
    """A parsed SELECT."""

    fields: list[tuple[str, int]]  # (path, column in the text) ; empty for COUNT()
    count: bool
    sobject: str
    sobject_pos: int
    where: Cond | None
    order: list[tuple[str, bool, bool, int]]  # (path, descending, nulls_first, pos)
    limit: int | None
    offset: int
    text: str


@dataclass
class _Tok:
    kind: str
    value: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = len(text) - len(text[pos:].lstrip())
            raise _malformed(
                text, start, f"unexpected token: '{text[start : start + 10].split()[0]}'"
            )
        kind = m.lastgroup or "op"
        out.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


def error_at(text: str, pos: int, detail: str) -> str:
    """Salesforce's error text: the query, a caret under the column, row/column, detail."""
    return f"\n{text}\n{' ' * pos}^\nERROR at Row:1:Column:{pos + 1}\n{detail}"


def _malformed(text: str, pos: int, detail: str) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", error_at(text, pos, detail))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def kw(self, *words: str) -> bool:
        t = self.tok
        return t.kind == "name" and t.value.upper() in words

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect_kw(self, word: str) -> _Tok:
        if not self.kw(word):
            raise self.unexpected()
        return self.take()

    def expect_op(self, op: str) -> _Tok:
        if self.tok.kind != "op" or self.tok.value != op:
            raise self.unexpected()
        return self.take()

    def unexpected(self) -> SoqlError:
        t = self.tok
        shown = t.value if t.kind != "end" else "<EOF>"
        return _malformed(self.text, t.pos, f"unexpected token: '{shown}'")

    def query(self) -> Query:
        self.expect_kw("SELECT")
        fields: list[tuple[str, int]] = []
        count = False
        if self.kw("COUNT") and self.toks[self.i + 1].value == "(":
            self.take()
            self.expect_op("(")
            self.expect_op(")")
            count = True
        else:
            while True:
                t = self.tok
                if t.kind != "name" or t.value.upper() == "FROM":
                    raise self.unexpected()
                fields.append((self.take().value, t.pos))
                if self.tok.value != ",":
                    break
                self.take()
        self.expect_kw("FROM")
        obj = self.tok
        if obj.kind != "name":
            raise self.unexpected()
        self.take()
        where = None
        if self.kw("WHERE"):
            self.take()
            where = self.or_()
        order: list[tuple[str, bool, bool, int]] = []
        if self.kw("ORDER"):
            self.take()
            self.expect_kw("BY")
            while True:
                t = self.tok
                if t.kind != "name":
                    raise self.unexpected()
                self.take()
                desc = False
                if self.kw("ASC", "DESC"):
                    desc = self.take().value.upper() == "DESC"
                nulls_first = not desc
                if self.kw("NULLS"):
                    self.take()
                    if not self.kw("FIRST", "LAST"):
                        raise self.unexpected()
                    nulls_first = self.take().value.upper() == "FIRST"
                order.append((t.value, desc, nulls_first, t.pos))
                if self.tok.value != ",":
                    break
                self.take()
        limit = None
        offset = 0
        if self.kw("LIMIT"):
            self.take()
            limit = self.integer()
        if self.kw("OFFSET"):
            self.take()
            offset = self.integer()
        if self.tok.kind != "end":
            raise self.unexpected()
        return Query(fields, count, obj.value, obj.pos, where, order, limit, offset, self.text)

    def integer(self) -> int:
        t = self.tok
        if t.kind != "num" or "." in t.value or t.value.startswith("-"):
            raise self.unexpected()
        self.take()
        return int(t.value)

    def or_(self) -> Cond:
        left = self.and_()
        args = [left]
        while self.kw("OR"):
            self.take()
            args.append(self.and_())
        return left if len(args) == 1 else Cond("or", args)

    def and_(self) -> Cond:
        left = self.not_()
        args = [left]
        while self.kw("AND"):
            self.take()
            args.append(self.not_())
        return left if len(args) == 1 else Cond("and", args)

    def not_(self) -> Cond:
        if self.kw("NOT"):
            self.take()
            return Cond("not", [self.not_()])
        if self.tok.value == "(":
            self.take()
            inner = self.or_()
            self.expect_op(")")
            return inner
        return self.comparison()

    def comparison(self) -> Cond:
        t = self.tok
        if t.kind != "name":
            raise self.unexpected()
        self.take()
        if self.kw("NOT"):
            self.take()
            self.expect_kw("IN")
            return Cond("not in", field=t.value, value=self.value_list(), pos=t.pos)
        if self.kw("IN"):
            self.take()
            return Cond("in", field=t.value, value=self.value_list(), pos=t.pos)
        if self.kw("LIKE"):
            self.take()
            v = self.tok
            if v.kind != "str":
                raise self.unexpected()
            return Cond("like", field=t.value, value=self.literal(), pos=t.pos)
        op = self.tok
        if op.kind != "op" or op.value not in ("=", "!=", "<>", "<", ">", "<=", ">="):
            raise self.unexpected()
        self.take()
        return Cond(
            "!=" if op.value == "<>" else op.value, field=t.value, value=self.literal(), pos=t.pos
        )

    def value_list(self) -> list[Any]:
        self.expect_op("(")
        values = [self.literal()]
        while self.tok.value == ",":
            self.take()
            values.append(self.literal())
        self.expect_op(")")
        return values

    def literal(self) -> Any:
        t = self.take()
        if t.kind == "str":
            body = t.value[1:-1]
            return _Quoted(re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body))
        if t.kind == "num":
            return float(t.value) if "." in t.value else int(t.value)
        if t.kind == "dt":
            return _DateTimeLit(t.value)
        if t.kind == "date":
            return _DateLit(t.value)
        if t.kind == "name":
            upper = t.value.upper()
            if upper in ("TRUE", "FALSE"):
                return upper == "TRUE"
            if upper == "NULL":
                return None
            if upper in _DATE_LITERALS:
                return DateLiteral(upper)
            name, _, n = upper.partition(":")
            if name in _N_LITERALS and n:
                return DateLiteral(name, int(n))
        self.i -= 1
        raise self.unexpected()


class _Quoted(str):
    """A quoted string literal (distinguished from unquoted date literals)."""


class _DateLit(str):
    """An unquoted ``YYYY-MM-DD`` literal."""


class _DateTimeLit(str):
    """An unquoted ISO datetime literal."""


def parse(text: str) -> Query:
    """Parse one SOQL statement or raise :class:`SoqlError`."""
    return _Parser(text.strip()).query()


QUOTED = _Quoted
DATE_LIT = _DateLit
DATETIME_LIT = _DateTimeLit
