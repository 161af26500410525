"""Fields built once per serializer class (core.serializers.FieldsOnce): each instance still
has fields of its own, bound to it, and answers as a serializer built afresh does."""

from types import SimpleNamespace

from rest_framework import serializers

from core.serializers import FieldsOnce
from dispatch.serializers import AssignmentSerializer


class Plain(serializers.Serializer):
    name = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())


class Once(FieldsOnce, Plain):
    pass


def test_each_instance_has_its_own_fields_bound_to_it():
    first, second = Once(), Once()
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
    # A field with a child of its own is copied with it: the child's parent is that copy.
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]


def test_the_fields_are_built_once_per_class(monkeypatch):
    Once()  # built, if no test built them before
    built = []
    monkeypatch.setattr(Plain, "get_fields", lambda self: built.append(1) or {})
    assert set(Once().fields) == {"name", "tags"}
    assert built == []


def test_it_answers_as_a_serializer_built_afresh():
    data = {"name": "AMB 1010", "tags": ["a", "b"]}
    assert Once(data).data == Plain(data).data


def test_an_assignment_is_serialized_as_before(demo, new_case, monkeypatch):
    from dispatch.services import assignment_dispatch

    case = new_case()
    [assignment] = assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    request = SimpleNamespace(user=demo.anna)
    twice = [AssignmentSerializer(assignment, context={"request": request}).data
             for _ in range(2)]
    # The same serializer with its fields built the DRF way, at every instance.
    monkeypatch.setattr(AssignmentSerializer, "get_fields",
                        lambda self: serializers.ModelSerializer.get_fields(self))
    afresh = AssignmentSerializer(assignment, context={"request": request}).data
    assert twice[0] == twice[1] == afresh
    assert twice[0]["unit_call_sign"] == demo.amb1010.call_sign
    assert twice[0]["case"]["id"] == case.pk
