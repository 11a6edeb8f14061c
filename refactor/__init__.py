"""refactor: find every definition of a concept, plan its removal down to one, apply it in tested stages."""

__version__ = "0.1.0"
