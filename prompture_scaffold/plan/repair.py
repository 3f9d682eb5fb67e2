"""What `check-drivers --fix` writes: the drift of a survey repaired with add-driver's edits.

Drivers we generate get every place back (`planner.plan_fix`: each edit's `add`, chained, and
the missing generated files). A hand-written checkout (upstream Prompture) is repaired only in
the places its check reports, and only for a driver whose spec reads back from its code and
whose check is clean once the repair is applied in memory: anything else would write our
idiom into someone else's code, so it is reported as not repairable instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checkout.snapshot import Snapshot
from ..errors import ScaffoldError
from .changeset import Plan
from .drift import Survey, survey
from .planner import plan_fix

#: A place of the presence check -> the edits that wire it.
EDITS = {
    "registry": {"drivers_init", "descriptor"},
    "exports": {"drivers_init", "package_init"},
    "settings": {"settings"},
    "discovery": {"discovery"},
    "env template": {"env_template"},
    "docs": {"docs_bullet"},
}


@dataclass(frozen=True)
class Repair:
    plan: Plan
    #: The survey as it will be once the plan is written (the drift left).
    after: Survey
    #: Provider -> why its drift could not be repaired.
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def left(self) -> dict:
        """Provider -> status of each driver still drifted after the repair."""
        return {s.provider: s for s in self.after.statuses if s.gaps}

    def reason(self, provider: str) -> str:
        return self.reasons.get(provider, "no edit of add-driver restores it")


def plan_repair(layout, found: Survey) -> Repair:
    drifted = [s for s in found.statuses if s.gaps]
    if found.handwritten:
        specs, only, reasons = _handwritten_specs(layout, drifted)
    else:
        specs, only = [s.spec for s in drifted if s.spec is not None], None
        reasons = {s.provider: _unread(s) for s in drifted if s.spec is None}
    plan, failed = plan_fix(specs, layout, only) if specs else (Plan(), {})
    reasons.update(failed)
    if found.handwritten:  # keep only the repairs that make a driver's check clean
        kept = [s for s in specs if s.provider not in failed]
        clean = [s for s in kept if _clean_alone(layout, s, only)]
        for spec in kept:
            if spec not in clean:
                reasons[spec.provider] = "add-driver's edits do not wire this hand-written driver"
        plan, _ = plan_fix(clean, layout, only) if clean else (Plan(), {})
    return Repair(plan, _after(layout, found, plan), reasons)


def _unread(status) -> str:
    return (
        status.problems[0] if status.problems else f"no driver class in {status.provider}_driver.py"
    )


def _handwritten_specs(layout, drifted):
    from ..spec.readback import spec_from_checkout

    specs, only, reasons = [], {}, {}
    for status in drifted:
        if "files" in status.gaps:
            reasons[status.provider] = "its driver files are missing: a hand-written driver"
            continue
        try:
            spec = spec_from_checkout(layout, status.provider)
        except ScaffoldError as exc:
            reasons[status.provider] = f"its spec cannot be read back ({exc})"
            continue
        specs.append(spec)
        only[spec.provider] = set().union(*(EDITS.get(gap, set()) for gap in status.gaps))
    return specs, only, reasons


def _clean_alone(layout, spec, only) -> bool:
    plan, failed = plan_fix([spec], layout, only)
    if failed or plan.empty:
        return False
    status = _after(layout, None, plan).statuses
    return not any(s.gaps for s in status if s.provider == spec.provider)


def _after(layout, found: Survey | None, plan: Plan) -> Survey:
    if found is not None and plan.empty:
        return found
    return survey(layout, Snapshot(layout.root, {c.path: c.after for c in plan.changes}))
