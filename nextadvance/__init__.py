"""nextadvance: stage micro-objectives and the next client advance for every open deal.

The code lives in five packages mapped into this namespace (see pyproject.toml):
``nextadvance.core`` (pure engine), ``nextadvance.mappings`` (YAML mappings and playbooks),
``nextadvance.connectors`` (Salesforce and HubSpot), ``nextadvance.sync`` (the run, state
store, scheduler and CLI) and ``nextadvance.sandbox`` (the local CRM emulator).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
