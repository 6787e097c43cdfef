"""Personal data protection (Ley 29733): filled in by the privacy issue."""
