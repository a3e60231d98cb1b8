"""Figures of the security tests in this session (cases tried, leaks found, requests sent), printed at the end."""
from collections import Counter

FIGURES: Counter = Counter()
