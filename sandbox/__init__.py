"""A local CRM emulator (Salesforce REST + HubSpot CRM v3/v4 subset) over real loopback HTTP.

It imports nothing from the rest of nextadvance, so it can be run, tested and benchmarked
on its own; the real client libraries talk to it unchanged.
"""

__all__: list[str] = []
