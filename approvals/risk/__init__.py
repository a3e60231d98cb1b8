"""The risk of one application: the bridge to riskassess (bridge.py: facts from the application, assessment,
override, re-assessment after commit), its task, and the risk page and API of an application."""
