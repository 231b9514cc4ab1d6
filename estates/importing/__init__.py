"""Importing the compound register and works items from XLSX or CSV (issue 6).

:mod:`.reading` turns a file into labelled rows, :mod:`.parsing` turns cells
into values, :mod:`.importers` checks rows and applies them all or nothing,
:mod:`.views` is the admin's upload → preview → apply pages.
"""
