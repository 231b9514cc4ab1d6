"""The template spreadsheet offered on the import page, made by code so that it
always has the importer's columns: Chinese headers on the first sheet, and a
second sheet, in the user's language, listing each column, its English
header and the other headers accepted for it."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext

if TYPE_CHECKING:
    from .importers import Importer


def template_workbook(importer: Importer) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    with translation.override("zh-hans"):
        sheet.title = str(importer.model._meta.verbose_name_plural)[:31]
    sheet.append([column.header_zh for column in importer.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter_index, column in enumerate(importer.columns, start=1):
        width = max(len(column.header_zh) * 2 + 4, 12)
        sheet.column_dimensions[sheet.cell(1, letter_index).column_letter].width = width
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(gettext("Notes")[:31])
    notes.append(
        [
            gettext("Column"),
            gettext("In English"),
            gettext("Required"),
            gettext("Also accepted"),
        ]
    )
    for column in importer.columns:
        notes.append(
            [
                column.header_zh,
                column.header_en,
                gettext("yes") if column.required else "",
                ", ".join(column.aliases),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
