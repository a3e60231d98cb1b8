"""The catalogue: lists and rules (document types, plan sections, the five parties) applications are checked against."""
