"""A local CRM emulator (Salesforce REST + HubSpot CRM v3/v4 subset) over real loopback HTTP.

It imports nothing from the rest of nextadvance, so it can be run, tested and benchmarked
on its own; the real client libraries talk to it unchanged.  Start one with
``with Sandbox(deals=200, seed=1) as sb: ...`` and point a client at ``sb.base_url`` trusting
``sb.ca_path``; see ``docs/sandbox.md``.
"""

from ._faults import FaultPlan
from ._generator import DEFAULT_NOW, generate
from ._sandbox import Sandbox
from ._world import World

__all__ = ["DEFAULT_NOW", "FaultPlan", "Sandbox", "World", "generate"]
