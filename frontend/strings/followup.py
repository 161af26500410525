"""The follow-up screen's strings (t('followup....'), frontend/src/js/followup*.js): its
figures' words, the records, targets, station table, feedback and imports. Measure names, the
targets' comparisons and the deviations' words come with the API's answers, in the request's
language, so they are not here. Every string has the context "follow-up screen" (short words
such as "Measure" or "Owner" may mean something else elsewhere); a count string is sent in its
plural forms ({"one", "other"}, as frontend.strings.common.plural) with the context spelt out,
so makemessages finds every string."""

from django.utils.translation import npgettext, pgettext


def followup() -> dict:
    """The follow-up screen (/followup/)."""
    return {
        "no_data": pgettext("follow-up screen", "No data"),
        "no_target": pgettext("follow-up screen", "no target"),
        "met": pgettext("follow-up screen", "Target met"),
        "not_met": pgettext("follow-up screen", "Target not met"),
        "seconds": pgettext("follow-up screen", "{s} s"),
        "min_s": pgettext("follow-up screen", "{m} min {s} s"),
        "hours": pgettext("follow-up screen", "{h} h"),
        "count": pgettext("follow-up screen", "n = {n}"),
        "centre": pgettext("follow-up screen", "The centre"),
        "measure": pgettext("follow-up screen", "Measure"),
        "trend": pgettext("follow-up screen", "Trend"),
        "trend_title": pgettext("follow-up screen", "{measure}: the last tertials per region"),
        "no_trend": pgettext("follow-up screen", "No figures to draw."),
        "target_line": pgettext("follow-up screen", "Target: {target}"),
        "target_changed": pgettext(
            "follow-up screen",
            "The target changed during the period; the one in force at its end applies."),
        "target_own": pgettext("follow-up screen", "The region's own target: {target}"),
        # Measures 1 and 2 when not (only) from the calls (the API's `source`).
        "source": {
            "m1_cases": pgettext("follow-up screen", "From the case's times: no call linked"),
            "m1_calls_and_cases": pgettext(
                "follow-up screen", "Partly from the case's times: no call linked"),
            "m2_cases": pgettext("follow-up screen", "From the cases: no call log"),
            "m2_calls_and_cases": pgettext(
                "follow-up screen", "Partly from the cases: no call log"),
        },
        "deviation": pgettext("follow-up screen", "Deviation:"),
        "follow_up": pgettext("follow-up screen", "Follow up"),
        "period": pgettext("follow-up screen", "{label}: {from} – {to}"),
        "period_no_data": pgettext("follow-up screen", "No data for this tertial yet."),
        "measures_table": pgettext("follow-up screen", "The measures per region, {label}"),
        "all_regions": pgettext("follow-up screen", "All regions"),
        "record": {
            "owner": pgettext("follow-up screen", "Owner"),
            "nobody": pgettext("follow-up screen", "No owner yet"),
            "finding": pgettext("follow-up screen", "Finding"),
            "action": pgettext("follow-up screen", "Action"),
            "closed": pgettext("follow-up screen", "Closed"),
            "save": pgettext("follow-up screen", "Save"),
            "saved": pgettext("follow-up screen", "The follow-up is saved."),
            "conflict": pgettext(
                "follow-up screen",
                "Someone else changed this follow-up; it has been reloaded. Check it and save "
                "again."),
            "none": pgettext("follow-up screen", "No follow-up records for this tertial."),
            "observed": pgettext("follow-up screen", "Observed {value}, compared with {other}"),
            "opened": pgettext("follow-up screen", "Opened by {name} {date}"),
            "closed_by": pgettext("follow-up screen", "closed by {name} {date}"),
            "open_state": pgettext("follow-up screen", "Follow-up open"),
            "closed_state": pgettext("follow-up screen", "Follow-up closed"),
        },
        "targets": {
            "col": {
                "measure": pgettext("follow-up screen", "Measure"),
                "region": pgettext("follow-up screen", "Region"),
                "target": pgettext("follow-up screen", "Target"),
                "valid_from": pgettext("follow-up screen", "Valid from"),
                "note": pgettext("follow-up screen", "Note"),
                "set_by": pgettext("follow-up screen", "Set by"),
            },
            "future": pgettext("follow-up screen", "not yet in force"),
            "delete": pgettext("follow-up screen", "Delete"),
            "delete_named": pgettext(
                "follow-up screen",
                "Delete the target for {measure} from {date}"),
            "delete_confirm": pgettext("follow-up screen", "Delete for sure?"),
            "deleted": pgettext("follow-up screen", "The target is deleted."),
            "added": pgettext("follow-up screen", "The target is added."),
            "none": pgettext("follow-up screen", "No targets."),
            "incomplete": pgettext(
                "follow-up screen",
                "Give a value and the day the target applies from."),
        },
        "stations": {
            "all": pgettext("follow-up screen", "All"),
            "priority": pgettext("follow-up screen", "Priority"),
            "response": pgettext(
                "follow-up screen",
                "Response time: call answered to first unit on scene (minutes:seconds)"),
            "col": {
                "count": pgettext("follow-up screen", "Count"),
                "mean": pgettext("follow-up screen", "Mean"),
                "median": pgettext("follow-up screen", "Median"),
                "p90": pgettext("follow-up screen", "90th percentile"),
                "unit": pgettext("follow-up screen", "Unit"),
                "assignments": pgettext("follow-up screen", "Assignments"),
                "active": pgettext("follow-up screen", "Active time"),
                "standby": pgettext("follow-up screen", "Standby time"),
                "utilisation": pgettext("follow-up screen", "Utilisation"),
            },
            "active": pgettext("follow-up screen", "Active"),
            "standby": pgettext("follow-up screen", "Standby"),
            "time_line": pgettext(
                "follow-up screen",
                "Active {active}, standby {standby}, utilisation {share}"),
            "sums": pgettext("follow-up screen", "{units} units, {assignments} assignments"),
            "units": {
                "one": npgettext("follow-up screen", "Unit ({n})", "Units ({n})", 1),
                "other": npgettext("follow-up screen", "Unit ({n})", "Units ({n})", 2),
            },
            "units_table": pgettext("follow-up screen", "The station's units"),
            "chart_title": pgettext(
                "follow-up screen",
                "{station}: active and standby time per unit"),
            "bar_words": pgettext("follow-up screen", "{unit} active {active}, standby {standby}"),
            "none": pgettext("follow-up screen", "No data for this period."),
        },
        "feedback": {
            "figure": {
                "cases": pgettext("follow-up screen", "Cases handled"),
                "p1a_cases": pgettext("follow-up screen", "Priority 1A cases"),
                "p1a_median_answer_to_alert_s": pgettext(
                    "follow-up screen",
                    "Median time from answer to alert, 1A"),
                "priority_changes": pgettext("follow-up screen", "Priority changes"),
                "priority_changes_with_reason_share": pgettext(
                    "follow-up screen",
                    "Priority changes with a reason"),
                "referrals": pgettext("follow-up screen", "Referrals"),
                "referral_recontact_24h_share": pgettext(
                    "follow-up screen",
                    "Referred who called again within 24 h"),
            },
            "figure_col": pgettext("follow-up screen", "Figure"),
            "you": pgettext("follow-up screen", "You"),
            "centre": pgettext("follow-up screen", "Centre median"),
            "dispatcher": pgettext("follow-up screen", "Dispatcher"),
            "read": pgettext("follow-up screen", "Read"),
            "unread": pgettext("follow-up screen", "Not read yet"),
            "made": pgettext("follow-up screen", "Made {date}"),
            "none": pgettext("follow-up screen", "No report of yours for this month."),
            "none_all": pgettext("follow-up screen", "No reports for this month."),
            "other_months": pgettext("follow-up screen", "Other months:"),
            "own_table": pgettext(
                "follow-up screen",
                "Your figures for {month} beside the centre's median"),
            "all_table": pgettext("follow-up screen", "Every dispatcher's figures for {month}"),
        },
        "import": {
            "calls": pgettext("follow-up screen", "Call log"),
            "hospital_visits": pgettext("follow-up screen", "Hospital data"),
            "count": {
                "rows": pgettext("follow-up screen", "Lines"),
                "created": pgettext("follow-up screen", "New"),
                "updated": pgettext("follow-up screen", "Updated"),
                "unchanged": pgettext("follow-up screen", "Unchanged"),
            },
            "col": {
                "at": pgettext("follow-up screen", "When"),
                "kind": pgettext("follow-up screen", "Data"),
                "file": pgettext("follow-up screen", "File"),
                "rows": pgettext("follow-up screen", "Lines"),
                "created": pgettext("follow-up screen", "New"),
                "updated": pgettext("follow-up screen", "Updated"),
                "unchanged": pgettext("follow-up screen", "Unchanged"),
                "errors": pgettext("follow-up screen", "Refused"),
            },
            "result": pgettext("follow-up screen", "{kind}: {file}"),
            "refused": {
                "one": npgettext("follow-up screen", "{n} line refused", "{n} lines refused", 1),
                "other": npgettext("follow-up screen", "{n} line refused", "{n} lines refused", 2),
            },
            "line": pgettext("follow-up screen", "Line {n}:"),
            "no_errors": pgettext("follow-up screen", "No line was refused."),
            "no_runs": pgettext("follow-up screen", "No imports yet."),
            "runs_table": pgettext("follow-up screen", "The last imports"),
            "choose": pgettext("follow-up screen", "Choose a file first."),
            "working": pgettext("follow-up screen", "Importing…"),
        },
        "safety": followup_safety(),
    }


def followup_safety() -> dict:
    """The crews' reports of threats and violence per region (followup-safety.js)."""
    return {
        "caption": pgettext("follow-up screen",
                            "{region}: reports of threats and violence, {from} – {to}"),
        "col": {
            "category": pgettext("follow-up screen", "Category"),
            "reports": pgettext("follow-up screen", "Reports"),
            "violence": pgettext("follow-up screen", "Of which violence"),
        },
        "all": pgettext("follow-up screen", "All categories"),
        "total": {
            "one": npgettext("follow-up screen", "{n} report in the period, {violence} of "
                             "them violence", "{n} reports in the period, {violence} of them "
                             "violence", 1),
            "other": npgettext("follow-up screen", "{n} report in the period, {violence} of "
                               "them violence", "{n} reports in the period, {violence} of "
                               "them violence", 2),
        },
        "none": pgettext("follow-up screen", "No reports of threats or violence in this "
                                             "period."),
        # The review queue of proposed risk notices (followup-notice-review.js).
        "review": {
            "title": pgettext("follow-up screen", "Proposed risk notices to review"),
            "action": pgettext("follow-up screen", "Recommended: {action}"),
            "source": pgettext("follow-up screen", "Source: {source}"),
            "background": pgettext("follow-up screen", "Background: {text}"),
            "approve": pgettext("follow-up screen", "Approve"),
            "reject": pgettext("follow-up screen", "Reject"),
            "approved": pgettext("follow-up screen", "The risk notice is approved."),
            "rejected": pgettext("follow-up screen", "The risk notice is rejected."),
            "none": pgettext("follow-up screen", "No proposed risk notices."),
        },
    }
