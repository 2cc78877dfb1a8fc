"""The demo scenario built from the seed report (``manage.py load_demo``); see ``scenario``."""
