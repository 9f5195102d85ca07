"""Models of the impact app."""
