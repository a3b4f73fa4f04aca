"""Isolation and aid screen."""
