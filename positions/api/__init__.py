"""The public, read-only REST API: published records only."""
