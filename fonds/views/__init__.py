"""Views of the funds module."""
