"""In-app notifications and emails sent after commit."""
