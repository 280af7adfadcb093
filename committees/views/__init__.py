"""Views of the committees module."""
