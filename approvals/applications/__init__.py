"""One application: its facts, documents, plan sections and parties; the organizer's pages and API."""
