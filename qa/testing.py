"""pytest integration for golden files (placeholder while being written)."""
