"""The REST API's routes under ``/api/`` (one router over every app's viewsets)
and the statistics that draw on every app; the generic helpers they use are in
``renovation_portal/api/``."""
