"""Blueprints: ``wiki`` (HTML pages) and ``api`` (their JSON twins under /api/v1/)."""
