"""The follow-up's API views, one module per part (followup/urls.py names them)."""
