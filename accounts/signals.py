"""Signals accounts sends: apps above it listen (realtime closes the sockets of a revoked
token) without accounts importing them."""

from django.dispatch import Signal

# Sent after tokens were revoked, with `user_ids`: the holders whose sockets should check again.
api_tokens_revoked = Signal()
