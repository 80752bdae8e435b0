"""YAML mappings and playbooks: how each CRM's records become the canonical model.

Ops teams own these files; this package loads and validates them with errors that name
file, line and key path, and ships the defaults for a stock Salesforce org and HubSpot portal.

For a connector: ``load_mapping`` (or ``default_mapping_path``), then the read plan
(``mapping.deal_read_fields()`` ...), then ``translate_deal`` / ``translate_contact`` /
``translate_activity`` per record (a pull keeps the compiled ``DealTranslator`` /
``ContactTranslator`` / ``ActivityTranslator`` instead: same results, mapping read once).
For the sync run: ``render_writeback``.
"""

from nextadvance.mappings._access import Getter, path_getter
from nextadvance.mappings._coach import (
    COACH_VERSION,
    CoachPayload,
    build_coach,
    coach_json,
    coach_json_schema,
    coach_signature,
)
from nextadvance.mappings._crms import CRM_MODELS, CrmModel, crm_model
from nextadvance.mappings._live import FieldLike, LiveReport, StageLike, check_live
from nextadvance.mappings._loader import (
    default_mapping_path,
    load_mapping,
    load_mapping_text,
    mapping_json_schema,
)
from nextadvance.mappings._model import CANONICAL_ROLES, CANONICAL_STAGES, Mapping
from nextadvance.mappings._model_writeback import DEFAULT_OUTPUT_TYPES
from nextadvance.mappings._playbook_errors import pydantic_problems
from nextadvance.mappings._scaffold import scaffold_mapping
from nextadvance.mappings._stages import UNMAPPED_STAGE, StageLookup, map_stage
from nextadvance.mappings._translate import (
    DealTranslator,
    RecordProblem,
    Translated,
    translate_deal,
)
from nextadvance.mappings._translate_activity import (
    ActivityTranslator,
    activity_deal_id,
    translate_activity,
)
from nextadvance.mappings._translate_contact import ContactTranslator, translate_contact
from nextadvance.mappings._values import get_path, to_datetime
from nextadvance.mappings._writeback import (
    TaskPlan,
    Value,
    WritebackPlan,
    due_date,
    render_writeback,
    task_key,
    truncate,
    typed_value,
)
from nextadvance.mappings._writeback_keep import plan_from_json, plan_json, restamp
from nextadvance.mappings._yaml import (
    Located,
    did_you_mean,
    format_path,
    load_yaml_file,
    load_yaml_text,
)
from nextadvance.mappings.playbook import (
    lexicon_json_schema,
    load_playbook,
    playbook_json_schema,
)

__all__ = [
    "CANONICAL_ROLES",
    "CANONICAL_STAGES",
    "COACH_VERSION",
    "CRM_MODELS",
    "DEFAULT_OUTPUT_TYPES",
    "UNMAPPED_STAGE",
    "ActivityTranslator",
    "CoachPayload",
    "ContactTranslator",
    "CrmModel",
    "DealTranslator",
    "FieldLike",
    "Getter",
    "LiveReport",
    "Located",
    "Mapping",
    "RecordProblem",
    "StageLike",
    "StageLookup",
    "TaskPlan",
    "Translated",
    "Value",
    "WritebackPlan",
    "activity_deal_id",
    "build_coach",
    "check_live",
    "coach_json",
    "coach_json_schema",
    "coach_signature",
    "crm_model",
    "default_mapping_path",
    "did_you_mean",
    "due_date",
    "format_path",
    "get_path",
    "lexicon_json_schema",
    "load_mapping",
    "load_mapping_text",
    "load_playbook",
    "load_yaml_file",
    "load_yaml_text",
    "map_stage",
    "mapping_json_schema",
    "path_getter",
    "plan_from_json",
    "plan_json",
    "playbook_json_schema",
    "pydantic_problems",
    "render_writeback",
    "restamp",
    "scaffold_mapping",
    "task_key",
    "to_datetime",
    "translate_activity",
    "translate_contact",
    "translate_deal",
    "truncate",
    "typed_value",
]
