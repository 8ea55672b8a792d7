"""Outputs: each renders the validated book model to files. They never import each other."""
