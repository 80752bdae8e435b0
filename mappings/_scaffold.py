"""Scaffold a mapping from a live CRM's metadata (``nextadvance mappings init``). Pure.

Starts from the shipped mapping for the CRM (activities, contacts and write-back stay as
shipped, with their comments) and replaces what differs per org: every pipeline and stage
with a *proposed* canonical key (by stage name first, then by position between the first
open stage and the last), the evidence fields the playbook uses that the CRM seems to have,
the deal's description when the org lets us read it, and a list of the write-back fields
still to create.  The result always loads; a person
reviews it before use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC

from nextadvance.mappings._live import FieldLike, StageLike
from nextadvance.mappings._loader import default_mapping_path, load_mapping
from nextadvance.mappings._model import CANONICAL_STAGES

__all__ = ["playbook_evidence_names", "propose_stage_keys", "scaffold_mapping"]

_OPEN = [k for k in CANONICAL_STAGES if not k.startswith("closed_")]
_KEYWORDS = (
    ("closed_won", r"\bwon\b"),
    ("closed_lost", r"\blost\b"),
    ("negotiation", r"negotiat|contract|legal|commit"),
    ("proposal", r"proposal|quote|pricing"),
    ("discovery", r"discover|needs analysis|demo"),
    ("qualification", r"qualif"),
    ("prospecting", r"prospect|appointment|lead|introduc"),
)
_TRANSFORMS = {
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "datetime": "datetime",
    "currency": "number",
    "double": "number",
    "number": "number",
    "percent": "number",
    "int": "integer",
}


def propose_stage_keys(stages: Sequence[StageLike | object]) -> dict[str, str]:
    """{stage id: proposed canonical key} for one pipeline's stages in CRM order."""
    out: dict[str, str] = {}
    open_stages = []
    for s in stages:
        sid, label = str(getattr(s, "id", "")), str(getattr(s, "label", ""))
        closed, won = bool(getattr(s, "is_closed", False)), bool(getattr(s, "is_won", False))
        if closed:
            out[sid] = "closed_won" if won else "closed_lost"
            continue
        text = label.casefold()
        guess = next(
            (k for k, rx in _KEYWORDS if not k.startswith("closed") and re.search(rx, text)),
            None,
        )
        if guess is not None:
            out[sid] = guess
        open_stages.append(sid)
    last = len(open_stages) - 1
    for i, sid in enumerate(open_stages):
        if sid not in out:
            position = round(i * (len(_OPEN) - 1) / last) if last > 0 else 0
            out[sid] = _OPEN[position]
    return out


def playbook_evidence_names() -> list[str]:
    """Every evidence field name the shipped playbook refers to (stages and segments)."""
    from nextadvance.mappings.playbook import load_playbook

    names: set[str] = set()
    playbook = load_playbook()
    objectives = [o for s in playbook.stages for o in s.objectives]
    objectives += [a.objective for seg in playbook.segments for a in seg.add]
    for objective in objectives:
        names.update(e.field for e in objective.evidence if e.field)
    return sorted(names)


def _squash(name: str) -> str:
    name = re.sub(r"__c$", "", name, flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _q(value: str) -> str:
    """A YAML key as written: bare when safe, else JSON-quoted (valid YAML)."""
    bare = re.fullmatch(r"[A-Za-z][A-Za-z0-9_./ -]*", value) and not value.endswith(" ")
    return value if bare else json.dumps(value)


def _pipelines_block(stages: Sequence[StageLike]) -> str:
    by_pipeline: dict[str, list[StageLike]] = {}
    for s in stages:
        by_pipeline.setdefault(s.pipeline, []).append(s)
    lines = [
        "# Proposed from the CRM's stages: check every canonical key before use.",
        "pipelines:",
    ]
    for pipe, pipe_stages in by_pipeline.items():
        active = [s for s in pipe_stages if s.active]
        lines.append(f"  {_q(pipe)}:")
        label = getattr(pipe_stages[0], "pipeline_label", None)
        if label and label != pipe:
            lines.append(f"    label: {json.dumps(label, ensure_ascii=False)}")
        lines.append("    stages:")
        proposed = propose_stage_keys(active)
        for s in active:
            note = f"   # {s.label}" if s.label != s.id else ""
            lines.append(f"      {_q(s.id)}: {proposed[s.id]}{note}")
    lines += [
        "",
        "# Pipelines to skip on purpose (ids). With this key present, a pipeline in neither",
        "# list is reported as undecided and the run is 'partial': move each pipeline you do",
        "# not want decided here from pipelines: above.",
        "ignore_pipelines: []",
    ]
    return "\n".join(lines) + "\n\n"


def _evidence_block(deal_fields: Iterable[FieldLike], names: Sequence[str]) -> str:
    fields = [f for f in deal_fields if not f.name.casefold().startswith("na_")]
    by_squash = {_squash(f.name): f for f in fields}
    lines = ["  evidence:"]
    missing = []
    for name in names:
        found = by_squash.get(_squash(name))
        if found is None:
            missing.append(name)
            continue
        transform = _TRANSFORMS.get(found.type, "text")
        lines.append(f"    {name}: {{field: {found.name}, transform: {transform}}}")
    if len(lines) == 1:
        lines[0] = "  evidence: {}"
    if missing:
        lines.append("    # No CRM field found for: " + ", ".join(missing))
    return "\n".join(lines) + "\n"


#: deal fields holding a deal's currency code in a multi-currency org: HubSpot's
#: deal_currency_code, Salesforce's CurrencyIsoCode (present only when multi-currency is on)
_CURRENCY_FIELDS = ("deal_currency_code", "CurrencyIsoCode")


def _currency(text: str, mapped: str | None, deal_fields: Sequence[FieldLike]) -> str:
    """Map the deal currency when the org has a currency field the shipped mapping lacks."""
    if mapped:
        return text
    names = {f.name for f in deal_fields}
    found = next((n for n in _CURRENCY_FIELDS if n in names), None)
    match = re.search(r"^    amount: .*$", text, flags=re.MULTILINE)
    if found is None or match is None:
        return text
    line = f"    currency: {found}   # the org keeps deals in several currencies"
    return text[: match.end()] + "\n" + line + text[match.end() :]


_CONTENT_NOTE = """  # Lightning notes: read through ContentDocumentLink (one note, every deal it is linked to);
  # their HTML content is stripped to text.
  ContentNote:
    id: Id
    at: [CreatedDate]
    subject: Title
    body: Content
    owner: OwnerId
    deal: ContentDocumentLink.LinkedEntityId
    kind:
      default: note
    outcome:
      default: completed
"""


def _salesforce_shapes(
    text: str, stages: Sequence[StageLike], fields: MappingABC[str, Sequence[FieldLike]]
) -> tuple[str, list[str]]:
    """Record types, currencies, Shared Activities and Lightning notes the org has."""
    notes: list[str] = []
    pipelines = {s.pipeline for s in stages}
    if pipelines - {"default"}:
        text = text.replace(
            "    stage: StageName\n",
            "    stage: StageName\n    pipeline: RecordType.DeveloperName\n",
            1,
        )
        notes.append(
            "Record types (one pipeline each, with its sales process's stages): "
            + ", ".join(sorted(pipelines))
        )
    opp = {f.name for f in fields.get("Opportunity", ())}
    if "CurrencyIsoCode" in opp:  # the field itself is mapped by _currency
        notes.append(
            "Multi-currency org: amounts are converted to the corporate currency "
            "(CurrencyType rates) before measures add them up."
        )
    for link, obj in (("TaskRelation", "Task"), ("EventRelation", "Event")):
        if link in fields:
            block = text.index(f"  {obj}:\n", text.index("\nactivities:\n"))
            at = text.index("    contacts: [WhoId]", block)
            text = text[:at] + f"    contacts: [WhoId, {link}.RelationId]" + text[at + 21 :]
            notes.append(f"Shared Activities: every contact of a {obj} ({link}) is read.")
    if "ContentDocumentLink" in fields:
        end = text.index("\nwriteback:\n")
        text = text[:end] + "\n" + _CONTENT_NOTE + text[end:]
        notes.append("Lightning notes (ContentNote) are read as activities.")
    return text, notes


def _description(text: str, field: str | None, deal_fields: Sequence[FieldLike]) -> str:
    """Keep the deal's description (read as a rep's note) when the org lets us read it;
    comment it out when the described deal fields lack it (field-level security), since
    selecting a field the user cannot read fails the whole query."""
    names = {f.name.casefold() for f in deal_fields}
    if not field or not names or field.casefold() in names:
        return text
    line = re.compile(rf"^    description: {re.escape(field)}\b.*$", flags=re.MULTILINE)
    note = f"    # description: {field}   # not readable by this user: grant Read to use it"
    return line.sub(note, text, count=1)


def scaffold_mapping(
    crm: str, stages: Sequence[StageLike], fields: MappingABC[str, Sequence[FieldLike]]
) -> str:
    """A mapping YAML for this CRM org/portal, from its stages and described fields."""
    shipped = load_mapping(default_mapping_path(crm))
    text = default_mapping_path(crm).read_text(encoding="utf-8")
    start, end = text.index("pipelines:\n"), text.index("\ndeal:\n") + 1
    comment_start = text.rfind("\n\n", 0, start) + 2
    text = text[:comment_start] + _pipelines_block(stages) + text[end:]
    deal_object = shipped.deal.object
    deal_fields = list(fields.get(deal_object, ()))
    ev_match = re.search(r"^  evidence:.*$", text, flags=re.MULTILINE)
    if ev_match is None:  # the shipped mapping always has one
        raise ValueError(f"the shipped {crm} mapping has no deal.evidence block")
    ev_start = ev_match.start()
    ev_end = text.index("  account:\n")
    lines_before = text[:ev_start].split("\n")[:-1]
    while lines_before and lines_before[-1].startswith("  #"):
        lines_before.pop()
    cut = len("\n".join(lines_before)) + 1
    text = text[:cut] + _evidence_block(deal_fields, playbook_evidence_names()) + text[ev_end:]
    text = _currency(text, shipped.deal.fields.currency, deal_fields)
    text = _description(text, shipped.deal.fields.description, deal_fields)
    task_object = shipped.writeback.task.object if shipped.writeback.task else deal_object
    known = {
        obj: {f.name.casefold() for f in fields.get(obj, ())} for obj in (deal_object, task_object)
    }
    ours = [(deal_object, n) for n in re.findall(r": \{?(?:field: )?((?:NA_|na_)\w+)", text)]
    key = re.search(r"key_field: (\w+)", text)
    if key is not None:
        ours = [o for o in ours if o[1] != key.group(1)] + [(task_object, key.group(1))]
    to_create = sorted({f"{obj}.{name}" for obj, name in ours if name.casefold() not in known[obj]})
    header = f"# Scaffolded by `nextadvance mappings init` from a live {crm} org.\n"
    if crm == "salesforce":
        text, notes = _salesforce_shapes(text, stages, fields)
        header += "".join(f"# {note}\n" for note in notes)
    if to_create:
        header += (
            "# Fields to create before the first sync (nextadvance setup): "
            + ", ".join(to_create)
            + "\n"
        )
    first_newline = text.index("\n") + 1
    return text[:first_newline] + header + text[first_newline:]
