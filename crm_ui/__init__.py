"""The CRM cards' sources, shipped as package data for ``nextadvance setup``.

``setup`` copies the Salesforce LWC into its metadata package and the HubSpot developer
project into a folder to upload; Node is needed only to test them (``crm_ui/package.json``),
never at run time.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["hubspot_project", "salesforce_lwc"]


def salesforce_lwc() -> Traversable:
    """The ``lwc`` folder of the Salesforce card (bundles ``naCoachCard``, ``naCoachModel``)."""
    return files(__name__) / "salesforce" / "force-app" / "main" / "default" / "lwc"


def hubspot_project() -> Traversable:
    """The HubSpot developer project folder of the card (``hsproject.json`` and ``src/``)."""
    return files(__name__) / "hubspot" / "project"
