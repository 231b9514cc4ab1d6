"""``/data/``: open data downloads (CSV, JSON, GeoJSON) with their dictionaries."""
