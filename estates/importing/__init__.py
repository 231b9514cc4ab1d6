"""Importing the compound register and works items from XLSX or CSV (issue 6).

:mod:`.reading` turns a file into labelled rows (a stream), :mod:`.parsing`
turns cells into values, :mod:`.base` checks rows chunk by chunk and applies
them all or nothing (the two kinds in :mod:`.compounds` and :mod:`.works`,
listed in :mod:`.importers`), :mod:`.writing` writes a checked chunk in bulk as
``save()`` would, :mod:`.checks` tests simple check constraints without a query,
and :mod:`.views` is the admin's upload → preview → apply pages. The command
``manage.py import_spreadsheet`` runs the same importers with no row limit.
"""
