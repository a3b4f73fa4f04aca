"""Daily report screen."""
