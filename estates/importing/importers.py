"""The importers by kind (the admin's URLs name them), and what callers use.

See :mod:`.base` for how an import works, :mod:`.compounds` and :mod:`.works`
for the two kinds.
"""

from .base import (
    CHANGE,
    CREATE,
    REJECT,
    UNCHANGED,
    Importer,
    ImportRefused,
    Preview,
    RowResult,
)
from .compounds import EstateImporter
from .works import WorksItemImporter

IMPORTERS: dict[str, type[Importer]] = {
    EstateImporter.kind: EstateImporter,
    WorksItemImporter.kind: WorksItemImporter,
}

__all__ = [
    "CHANGE",
    "CREATE",
    "IMPORTERS",
    "REJECT",
    "UNCHANGED",
    "EstateImporter",
    "ImportRefused",
    "Importer",
    "Preview",
    "RowResult",
    "WorksItemImporter",
]
