"""Storage adapters behind one contract (see base.py)."""
