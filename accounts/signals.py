"""Signals accounts sends: apps above it listen (realtime closes the sockets of a revoked
token or an ended session) without accounts importing them."""

from django.dispatch import Signal

# Sent after commit, with `user_ids`, when some of their credentials ended (tokens revoked or
# deleted, a password changed, which ends their sessions): their sockets should check again.
credentials_ended = Signal()
