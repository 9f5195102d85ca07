"""One module per area, each with a POLICY dict (see policy_kit.py)."""
