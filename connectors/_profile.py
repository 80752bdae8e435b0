"""One description per CRM: the facts everything outside ``connectors/<crm>/`` may ask about.

Each CRM package exports a :class:`CrmProfile` as ``PROFILE``; :data:`PROFILES` lists them and
:func:`profile` looks one up by name.  Code elsewhere asks the profile (batch size, default
URL, text limits, value encoder, setup strategy, factory) instead of comparing CRM names, so a
third CRM is a new ``connectors/<crm>/`` package plus one line in :data:`PROFILES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextadvance.core.errors import ConfigError, Problem

if TYPE_CHECKING:
    from nextadvance.connectors._base import Connector, ConnectorConfig
    from nextadvance.connectors._card import CardFields
    from nextadvance.connectors._setup import FieldSpec

__all__ = ["CrmProfile", "SetupStrategy", "WireEncoder"]

#: A CRM-neutral typed value (str, bool, int, float, date, datetime or None) as the CRM's
#: API wants it on the wire.
WireEncoder = Callable[[Any], Any]


@dataclass(frozen=True)
class SetupStrategy:
    """How ``nextadvance setup --apply`` makes the missing write-back fields exist.

    ``live`` strategies create them through the API (then setup checks again); the others
    write files for an admin to deploy and print ``deploy_hint`` (``{out}`` is the folder).
    With the mapping's coach card (``CardFields``), ``apply`` also writes the card's files
    into the folder and setup prints ``card_hint``.
    """

    apply_does: str
    live: bool
    apply: Callable[[Connector, Sequence[FieldSpec], Path, CardFields | None], list[str]]
    out_help: str = ""
    default_out: str = ""
    deploy_hint: str = ""
    card_hint: str = ""


@dataclass(frozen=True)
class CrmProfile:
    """Everything about one CRM that code outside its package needs to know."""

    name: str
    label: str
    #: Used when a connection gives no ``base_url``; None: the URL is per customer.
    default_base_url: str | None
    base_url_hint: str
    https_only: bool
    #: Records per write call (Salesforce sObject Collections 200, HubSpot batch 100).
    write_batch: int
    #: Default maximum length per write-back text type (text, picklist, textarea).
    text_limits: Mapping[str, int]
    encode: WireEncoder
    setup: SetupStrategy
    factory: Callable[[ConnectorConfig], Connector]

    def text_limit(self, kind: str) -> int:
        """The default maximum length of a ``kind`` output (255 when the CRM names none)."""
        return self.text_limits.get(kind, 255)


def unknown_crm(name: object, names: Sequence[str], key_path: str) -> ConfigError:
    """The error for a CRM name no profile describes, naming the ones that exist."""
    return ConfigError(
        [
            Problem(
                f"unknown CRM system {name!r}",
                key_path=key_path,
                expected=" or ".join(repr(n) for n in names),
            )
        ]
    )
