"""Settlements (liquidaciones): filled in by the settlements issue."""
