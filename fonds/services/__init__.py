"""Writes of the funds module."""
