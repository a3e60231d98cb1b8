"""Statutory clocks: working days with the holiday calendar, the acceptance and decision clocks, pauses and
extensions. Other packages call only the functions exported here (approvals.clocks.services holds them; the
models are approvals.clocks.models, the arithmetic approvals.workflow.deadlines)."""


def add_working_days(start, days: int, *, authority=None):
    """The date `days` working days after `start` (start not counted), by the holiday calendar (法定节假日 off,
    调休 working weekends on). The calendar is the State Council's, the same for every bureau: `authority` is
    accepted for a local calendar later."""
    from ..workflow.deadlines import add_working_days as add
    from .services import work_calendar

    return add(start, days, work_calendar())


def __getattr__(name: str):
    # The services need every model: imported on first use, not while Django loads the models.
    from importlib import import_module
    from importlib.util import find_spec

    if not name.startswith("_"):
        if find_spec(f"{__name__}.{name}") is not None:  # a module of the package (clocks.models, ...)
            return import_module(f"{__name__}.{name}")
        services = import_module(f"{__name__}.services")
        if hasattr(services, name):
            return getattr(services, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
