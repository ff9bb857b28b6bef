"""User accounts beyond what django.contrib.auth keeps: which passwords were given to their users by someone else
and must be replaced at the first login. This app imports nothing else of the project (``create_editor`` uses it).
"""
