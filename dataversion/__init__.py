"""The data version: one token that changes with every write to the public data, in the same transaction.

Public responses are tagged and cached by it (``stancetracker.conditional``), so answering "has anything
changed?" never means rendering, or even reading, the data. This app imports nothing else of the project:
which apps' tables it watches is a setting (``DATA_VERSION_APPS``).
"""
