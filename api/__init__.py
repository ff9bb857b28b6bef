"""The public, read-only API: published records only, one error shape, documented by OpenAPI."""
