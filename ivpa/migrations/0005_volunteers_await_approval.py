"""Volunteers already registered wait for approval like new ones.

Their training was only their own word (a ticked box), which is what the audit found: none is
approved here. Every existing volunteer gets a history row that says why they now wait, so an
administrator or coordinator sees it next to the approval they give. Units (fire/rescue,
police) are set up by an administrator and are not vetted this way.
"""

from django.db import migrations
from django.utils import timezone

REASON = "Vetting introduced: the training is approved before any alert."


def volunteers_await_approval(apps, schema_editor):
    Responder = apps.get_model("ivpa", "Responder")
    ResponderApproval = apps.get_model("ivpa", "ResponderApproval")
    now = timezone.now()
    volunteers = Responder.objects.filter(kind="volunteer")
    volunteers.update(approval="pending", approved_at=None, approved_by=None,
                      trained_on=None, approved_until=None)
    ResponderApproval.objects.bulk_create(
        [ResponderApproval(responder_id=pk, action="reset", at=now, training=training,
                           reason=REASON)
         for pk, training in volunteers.values_list("pk", "training")],
        batch_size=1000)


def forget_history(apps, schema_editor):
    apps.get_model("ivpa", "ResponderApproval").objects.filter(reason=REASON).delete()


class Migration(migrations.Migration):

    dependencies = [("ivpa", "0004_responder_approval")]

    operations = [migrations.RunPython(volunteers_await_approval, forget_history)]
