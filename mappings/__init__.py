"""YAML mappings and playbooks: how each CRM's records become the canonical model.

Ops teams own these files; this package loads and validates them with errors that name
file, line and key path, and ships the defaults for a stock Salesforce org and HubSpot portal.
"""

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
    "Located",
    "did_you_mean",
    "format_path",
    "lexicon_json_schema",
    "load_playbook",
    "load_yaml_file",
    "load_yaml_text",
    "playbook_json_schema",
]
