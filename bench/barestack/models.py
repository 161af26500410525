"""The reference's two tables: a case, and an assignment of a unit to it."""

from django.db import models


class BareCase(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"case {self.pk}"


class BareAssignment(models.Model):
    case = models.ForeignKey(BareCase, on_delete=models.CASCADE)
    unit = models.IntegerField()
    status = models.CharField(max_length=20, default="alerted")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"unit {self.unit} on case {self.case_id}"
