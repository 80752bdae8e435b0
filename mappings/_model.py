"""The shape of a mapping file: pydantic models, frozen, unknown keys refused.

A mapping says, for one CRM connection, how CRM stages, fields, contact roles and
activities become the canonical model, and which CRM fields receive the engine's output.
Structure is checked here; cross-references (canonical stage keys, clashing entries,
templates) are checked by the loader, which reports every problem in one pass. What a
mapping writes back lives in :mod:`._model_writeback`.
See docs/mappings.md for the reference with examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator

from nextadvance.core import CONTACT_ROLES
from nextadvance.core.models import ActivityKind, Outcome
from nextadvance.mappings._crms import CRM_NAMES
from nextadvance.mappings._model_writeback import WritebackSpec
from nextadvance.mappings._spec import Spec as _Spec

__all__ = [
    "CANONICAL_ROLES",
    "CANONICAL_STAGES",
    "AccountSpec",
    "ActivitySpec",
    "ContactSpec",
    "DealFields",
    "DealSpec",
    "DirectionSpec",
    "EvidenceSpec",
    "KindRule",
    "KindSpec",
    "Mapping",
    "OutcomeRule",
    "OutcomeSpec",
    "PipelineSpec",
    "Transform",
]

#: The canonical stage keys of the shipped playbook (a custom playbook may add its own;
#: pass its keys to ``load_mapping(stage_keys=...)``).
CANONICAL_STAGES: tuple[str, ...] = (
    "prospecting",
    "qualification",
    "discovery",
    "solution",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
)

#: Canonical contact roles the playbook's role evidence refers to (defined once, in core).
CANONICAL_ROLES: tuple[str, ...] = CONTACT_ROLES

#: How a CRM value becomes an evidence value (see docs/mappings.md, "transforms").
Transform = Literal["text", "non_empty", "boolean", "date", "datetime", "number", "integer", "map"]

#: How a mapping treats a CRM pipeline (see :meth:`Mapping.pipeline_policy`).
PipelinePolicy = Literal["mapped", "ignored", "left_out", "unlisted"]


class PipelineSpec(_Spec):
    """One pipeline (HubSpot pipeline id; Salesforce record type or ``default``)."""

    label: str | None = None
    stages: dict[str, str] = Field(
        description="CRM stage id or label -> canonical stage key (e.g. 'Closed Won': closed_won)."
    )


class DealFields(_Spec):
    """Which CRM field fills each canonical deal attribute (dotted paths follow relationships)."""

    id: str
    stage: str
    created_at: str
    name: str | None = None
    pipeline: str | None = Field(
        default=None, description="Field holding the pipeline id; unset = every deal is 'default'."
    )
    amount: str | None = None
    currency: str | None = None
    close_date: str | None = None
    modified_at: str | None = None
    stage_entered_at: str | None = None
    owner: str | None = None
    owner_name: str | None = Field(
        default=None,
        description="The owner's display name, for reports (Salesforce: Owner.Name).",
    )
    owner_timezone: str | None = Field(
        default=None,
        description="The owner's IANA time zone (Salesforce: Owner.TimeZoneSidKey): 'today', "
        "meeting days and due dates are the owner's local ones.",
    )
    next_step: str | None = None
    description: str | None = Field(
        default=None,
        description="The deal's own free text (Salesforce: Description, HubSpot: description): "
        "read like a rep's note for evidence ('Pain: ...', 'no budget yet').",
    )
    strategic_objective: str | None = None
    parked_until: str | None = None
    parked_reason: str | None = None
    open_task_subject: str | None = None


class EvidenceSpec(_Spec):
    """A CRM field read into one canonical evidence field through a simple transform."""

    field: str
    transform: Transform = "text"
    values: dict[str, str | bool | int | float] | None = Field(
        default=None, description="For transform 'map': CRM value -> evidence value."
    )


class AccountSpec(_Spec):
    """The deal's company: where it sits in the record and which fields to read."""

    relationship: str = Field(
        description="Key of the account inside the deal record: 'Account' (Salesforce), 'company' (HubSpot)."
    )
    name: str | None = None
    industry: str | None = None
    employees: str | None = None
    region: str | None = None
    industry_values: dict[str, str] = Field(
        default_factory=dict,
        description="CRM industry value -> industry name the playbook's segments use.",
    )


class DealSpec(_Spec):
    """The deal object: core fields, evidence fields, account."""

    object: str
    fields: DealFields
    evidence: dict[str, EvidenceSpec] = Field(default_factory=dict)
    account: AccountSpec | None = None


class ContactSpec(_Spec):
    """Contacts on a deal and their roles (Salesforce OpportunityContactRole; HubSpot labels)."""

    object: str
    id: str
    name: list[str] = Field(default_factory=list, description="Fields joined with a space.")
    title: str | None = None
    role: str = Field(description="Field holding the role value(s); lists and ';' are split.")
    roles: dict[str, str] = Field(description="CRM role value -> canonical role.")
    default_role: str | None = Field(
        default=None, description="Canonical role for a contact whose role is blank or unmapped."
    )


class KindRule(_Spec):
    """Read ``field``; the first rule whose value is in ``values`` decides the kind."""

    field: str
    values: dict[str, ActivityKind]


class KindSpec(_Spec):
    """Activity kind: rules tried in order, then ``default``."""

    rules: list[KindRule] = Field(default_factory=list)
    default: ActivityKind


class OutcomeRule(_Spec):
    """Read ``field``; the first rule whose value is in ``values`` decides the outcome."""

    field: str
    values: dict[str, Outcome]


class OutcomeSpec(_Spec):
    """Activity outcome: rules in order, then ``future`` (if the activity lies ahead), ``default``."""

    rules: list[OutcomeRule] = Field(default_factory=list)
    future: Outcome | None = None
    default: Outcome = Outcome.unknown


class DirectionSpec(_Spec):
    """Direction of a call or email: CRM value -> ``inbound`` / ``outbound``."""

    field: str
    values: dict[str, Literal["inbound", "outbound"]]


class ActivitySpec(_Spec):
    """One CRM activity object type (Task, Event; calls, meetings, emails, notes, tasks)."""

    id: str
    at: list[str] = Field(min_length=1, description="Timestamp fields, first non-empty wins.")
    subject: str | None = None
    body: str | None = None
    owner: str | None = None
    deal: str | None = Field(default=None, description="Field linking the activity to its deal.")
    contacts: list[str] = Field(default_factory=list)
    kind: KindSpec
    outcome: OutcomeSpec = OutcomeSpec()
    direction: DirectionSpec | None = None


class Mapping(_Spec):
    """One connection's mapping file (``load_mapping`` builds and checks it)."""

    version: Literal[1] = 1
    crm: str = Field(json_schema_extra={"enum": list(CRM_NAMES)})
    playbook: str = Field(default="default", description="'default' or a path to a playbook YAML.")
    lexicon: str = Field(default="default", description="'default' or a path to a lexicon YAML.")
    pipelines: dict[str, PipelineSpec] = Field(min_length=1)
    ignore_pipelines: list[str] | None = Field(
        default=None,
        description=(
            "CRM pipeline ids ops chose not to decide. When this key is present (even as []), "
            "a pipeline in neither pipelines nor ignore_pipelines makes a run 'partial'."
        ),
    )
    deal: DealSpec
    contacts: ContactSpec | None = None
    activities: dict[str, ActivitySpec] = Field(default_factory=dict)
    writeback: WritebackSpec = WritebackSpec()

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("ignore_pipelines", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        # HubSpot pipeline ids are digits: YAML reads [7654321] as a number
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("crm")
    @classmethod
    def _known_crm(cls, value: str) -> str:
        if value not in CRM_NAMES:
            raise ValueError("Input should be " + " or ".join(repr(n) for n in CRM_NAMES))
        return value

    @property
    def source(self) -> Path | None:
        """The file this mapping was loaded from (None when built in code)."""
        return self._source

    def _resolve(self, value: str) -> Path | None:
        if value == "default":
            return None
        path = Path(value)
        if not path.is_absolute() and self._source is not None:
            path = self._source.parent / path
        return path

    def pipeline_policy(self, pipeline: str) -> PipelinePolicy:
        """``mapped``, ``ignored`` (listed under ignore_pipelines), ``left_out`` (a mapping
        without ignore_pipelines: leaving a pipeline out is a choice) or ``unlisted`` (the
        mapping lists what it ignores and this pipeline is in neither list: ops must decide).
        """
        if pipeline in self.pipelines:
            return "mapped"
        if self.ignore_pipelines is None:
            return "left_out"
        return "ignored" if pipeline in self.ignore_pipelines else "unlisted"

    def playbook_path(self) -> Path | None:
        """The playbook file to use, or None for the shipped default."""
        return self._resolve(self.playbook)

    def lexicon_path(self) -> Path | None:
        """The next-step lexicon file to use, or None for the shipped default."""
        return self._resolve(self.lexicon)

    def deal_read_fields(self, *, include_account: bool = False) -> tuple[str, ...]:
        """Exactly the deal fields the mapping reads (connectors select only these).

        With ``include_account`` the account fields come too, prefixed with the
        relationship (``Account.Industry``): what a SOQL query selects in one go.
        """
        f = self.deal.fields
        paths = [p for p in f.model_dump().values() if p]
        paths += [e.field for e in self.deal.evidence.values()]
        if include_account and self.deal.account is not None:
            rel = self.deal.account.relationship
            paths += [f"{rel}.{p}" for p in self.account_read_fields()]
        return _unique(paths)

    def account_read_fields(self) -> tuple[str, ...]:
        """The account/company fields the mapping reads, without the relationship prefix."""
        a = self.deal.account
        if a is None:
            return ()
        return _unique([p for p in (a.name, a.industry, a.employees, a.region) if p])

    def contact_read_fields(self) -> tuple[str, ...]:
        """The contact(-role) fields the mapping reads."""
        c = self.contacts
        if c is None:
            return ()
        return _unique([c.id, *c.name, *([c.title] if c.title else []), c.role])

    def activity_object_types(self) -> tuple[str, ...]:
        """The CRM activity object types the mapping translates, in file order."""
        return tuple(self.activities)

    def activity_read_fields(self, object_type: str) -> tuple[str, ...]:
        """The fields of one activity object type the mapping reads (KeyError if unmapped)."""
        a = self.activities[object_type]
        paths = [a.id, *a.at, a.subject, a.body, a.owner, a.deal, *a.contacts]
        paths += [r.field for r in a.kind.rules] + [r.field for r in a.outcome.rules]
        if a.direction is not None:
            paths.append(a.direction.field)
        return _unique([p for p in paths if p])


def _unique(paths: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(paths))
