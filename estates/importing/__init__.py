"""Importing the compound register and works items from XLSX or CSV (issue 6).

:mod:`.reading` turns a file into labelled rows, :mod:`.parsing` turns cells
into values, :mod:`.base` checks rows and applies them all or nothing (the two
kinds in :mod:`.compounds` and :mod:`.works`, listed in :mod:`.importers`), and
:mod:`.views` is the admin's upload → preview → apply pages.
"""
