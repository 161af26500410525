"""Serializer plumbing shared by every app."""

import copy

from rest_framework import serializers

# Fields that hold a bound child of their own (a nested serializer, a list of relations or of
# values): copied deep, so that the child's parent is the copy.
_WITH_CHILD = (serializers.BaseSerializer, serializers.ManyRelatedField,
               serializers.ListField, serializers.DictField)


class FieldsOnce:
    """Mixed into a ModelSerializer on a hot path (the dispatch's answer, a crew card): its
    fields are built from the model once per class, not at every instance. DRF builds them
    again for each serializer made, then deep-copies them (~1 ms for an assignment with its
    crew card, most of what serializing one costs). Each instance gets its own copy of each
    unbound field, as DRF's declared fields do, so binding one instance's never touches
    another's; a plain field is copied shallow (what binding sets is its own). Only for
    serializers whose fields depend neither on the instance nor on the context."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_once")
        if built is None:
            built = super().get_fields()
            cls._fields_once = built
        return {name: copy.deepcopy(field) if isinstance(field, _WITH_CHILD) else copy.copy(field)
                for name, field in built.items()}
