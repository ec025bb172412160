"""Implementations of the domain ports, one library each, no Qt."""
