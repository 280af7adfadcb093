"""Forms of the funds module."""
