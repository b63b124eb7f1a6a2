"""Package (docstring to come)."""
