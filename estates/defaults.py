"""What the portal ships for every programme: the default step template.

Not a programme's data (those are packs, sitewide/packs.py): a list any office
starts from and edits. Loading it again leaves the same rows; its steps are
found by number, so editing a name here renames the step instead of adding one.
"""

from __future__ import annotations

from django.db import transaction

from renovation_portal.loading import Tally, upsert

from .default_procedure import DEFAULT_PROCEDURE
from .models import Procedure, StepTemplate

PROCEDURE_NAME = (
    "默认实施步骤模板（示例，非街道办正式清单）",
    "Default step template (an example, not the office's own list)",
)
PROCEDURE_DESCRIPTION = (
    "改造通常分为招投标、开工前准备、开工建设、竣工验收、长效管理5个阶段，各地街道办的"
    "具体操作步骤清单大多未公开。本模板是门户自带的示例，按国内老旧小区改造的通常做法"
    "编写，供街道办修改后使用。",
    "Renovation usually runs in five stages (tendering, pre-construction "
    "preparation, construction, completion acceptance, long-term management); "
    "offices' own lists of operating steps are seldom published. This template "
    "ships with the portal as an example, written after the usual practice of "
    "old residential compound renovation in China, for an office to edit before "
    "use.",
)


@transaction.atomic
def default_procedure_load() -> dict[str, int]:
    """Load the default procedure and its steps; return how many records were
    created, updated and left unchanged."""
    tally = Tally()
    procedure = upsert(
        Procedure,
        lookup={"is_default_template": True},
        values={
            "name_zh_hans": PROCEDURE_NAME[0],
            "name_en": PROCEDURE_NAME[1],
            "description_zh_hans": PROCEDURE_DESCRIPTION[0],
            "description_en": PROCEDURE_DESCRIPTION[1],
        },
        tally=tally,
    )
    previous = None
    for number, row in enumerate(DEFAULT_PROCEDURE, start=1):
        stage, name_zh, name_en, documents_zh, documents_en = row
        step = upsert(
            StepTemplate,
            lookup={"procedure": procedure, "number": number},
            values={
                "stage": stage,
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "documents_zh_hans": documents_zh,
                "documents_en": documents_en,
            },
            tally=tally,
        )
        step.depends_on.set([previous] if previous else [])
        previous = step
    return tally.as_dict()
