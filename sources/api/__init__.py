"""Public, read-only API for sources and the excerpts that back published stances."""
