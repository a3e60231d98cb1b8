"""Shared test support: the one application builder (tests.support.builder)."""
