"""Demo data of approvals for `manage.py load_demo`: the core demo (core.py: authorities, organisations, users,
venues, applications) and the review workflow walked on it (workflow.py)."""
