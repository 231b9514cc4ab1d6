"""Cross-app pieces of the REST API (DESIGN.md "API").

The generic helpers here (languages, pagination, errors, HTTP caching, the
root and docs views) know no app. The routes that wire the apps' API views
together, and the statistics that draw on every app, are in ``sitewide/api/``.
"""
