"""A learned order: stages and checks cheapest first, by their medians in the run history.

Fail fast saves time only when the cheap checks run first. The medians come from the
caller as plain numbers (the pipeline does not read the history; the command line does).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

from gates.pipeline.plan import Plan, PlannedCheck


def learned_order(plan: Plan, medians: Mapping[str, float]) -> Plan:
    """Stages by cost (their slowest check's median), and checks within a stage, cheapest first.

    A check never measured counts as +inf: it goes after the measured ones, until a run
    measures it. Assuming it cheap could put a slow new check before every fast one,
    which is what this order exists to avoid. The sorts are stable, so the unmeasured
    keep their config order among themselves.
    """

    def cost(check: PlannedCheck) -> float:
        return medians.get(check.name, math.inf)

    stages = sorted(
        (sorted(stage, key=cost) for stage in plan.stages),
        key=lambda stage: max((cost(c) for c in stage), default=math.inf),
    )
    numbered = tuple(
        tuple(dataclasses.replace(check, stage=index) for check in stage)
        for index, stage in enumerate(stages)
    )
    return dataclasses.replace(plan, stages=numbered)
