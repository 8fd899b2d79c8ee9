"""The eight research steps (八步调研法): order and the artefact each step must bring.

`advance` in services calls `check_step` (an out-of-order step is a WorkflowError → 409)
and then the step's artefact check (a missing or invalid artefact is a ValidationError → 400).
"""

from __future__ import annotations

from dataclasses import dataclass

from luzhi.activities.models import Activity
from luzhi.core.errors import WorkflowError

K = Activity.Kind
# The activities that can serve as a step's meeting or visit: a briefing by the departments
# (情况介绍会), the field visits, the group's own discussion (讨论研究会).
STEP_KINDS: dict[int, tuple[str, ...]] = {
    4: (K.BRIEFING, K.RESEARCH_VISIT, K.IMMERSIVE_RESEARCH, K.CONSULTATION_COUNTERPART, K.OTHER),
    5: Activity.RESEARCH_KINDS,
    6: (K.OTHER, K.CONSULTATION_COUNTERPART, K.CONSULTATION_MONTHLY, K.RESEARCH_VISIT, K.IMMERSIVE_RESEARCH),
}


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    artefact: str  # the field of the advance body that completes it
    artefact_label: str


STEPS: dict[int, Step] = {
    s.number: s
    for s in (
        Step(1, "确定选题计划", "plan", "选题计划"),
        Step(2, "制定调研方案", "plan_document", "调研方案"),
        Step(3, "成立调研组", "group", "调研组"),
        Step(4, "听取情况介绍", "briefing", "情况介绍会"),
        Step(5, "深入实地调研", "visits", "实地调研活动"),
        Step(6, "组织讨论研究", "discussion", "讨论研究会"),
        Step(7, "撰写调研报告和政协信息", "report", "调研报告及成果"),
        Step(8, "跟踪、反馈、评估", "evaluation", "成果评估"),
    )
}
DONE = 9


def check_step(current: int, requested: object) -> int:
    """Return the step to complete, or raise WorkflowError unless it is the topic's current one."""
    if current >= DONE:
        raise WorkflowError("八个步骤均已完成。")
    if isinstance(requested, bool) or not isinstance(requested, int) or requested != current:
        title = STEPS[current].title
        raise WorkflowError(f"当前应完成第{current}步（{title}），不能完成第{requested}步。")
    return requested
