"""The sync run (pull → decide → plan → push), state store, scheduler, settings, CLI, reports."""

__all__: list[str] = []
