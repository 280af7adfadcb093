"""Writes of the committees module."""
