"""Event day: zones, gate counts, live occupancy, on-site incidents, statistics."""
