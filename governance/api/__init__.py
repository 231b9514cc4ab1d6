"""The REST API of this app (DESIGN.md "API"), wired in renovation_portal.api."""
