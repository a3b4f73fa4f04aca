"""Checkpoint screening screen."""
