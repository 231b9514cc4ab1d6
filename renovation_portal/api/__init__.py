"""Cross-app pieces of the REST API (DESIGN.md "API").

The generic helpers here (languages, pagination, errors, HTTP caching) know no
app; ``urls.py`` and ``stats.py`` wire the apps' API views together, like the
project's own ``urls.py``.
"""
