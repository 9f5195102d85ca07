"""Models of the sponsorship app."""
