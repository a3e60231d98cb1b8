"""The clocks in SQL, for sorting a list by urgency (the page then shows the clocks computed in Python by
approvals.clocks.services, which is the rule; this mirrors it for the order)."""
from django.conf import settings
from django.db.models import DateField
from django.db.models.expressions import RawSQL

from .models import CalendarDay, ClockPolicy

# The acceptance clock's due date of each row: the N-th working day after the day it was handed in (or last
# resubmitted after a correction), N from the bureau's policy (its own row, else its parent's, else the
# default), working days by the holiday calendar. 60 days is more than any N plus the longest holiday.
_ACCEPTANCE_DUE_SQL = """(
  SELECT day::date FROM generate_series(
      (GREATEST("approvals_application"."submitted_at", (
          SELECT MAX(c."resubmitted_at") FROM "approvals_correctionrequest" c
          WHERE c."application_id" = "approvals_application"."id")) AT TIME ZONE %s)::date + 1,
      (GREATEST("approvals_application"."submitted_at", (
          SELECT MAX(c."resubmitted_at") FROM "approvals_correctionrequest" c
          WHERE c."application_id" = "approvals_application"."id")) AT TIME ZONE %s)::date + 60,
      interval '1 day') AS day
  WHERE day::date IN (SELECT h."date" FROM "{days}" h WHERE h."kind" = %s)
     OR (EXTRACT(ISODOW FROM day) < 6
         AND day::date NOT IN (SELECT h."date" FROM "{days}" h WHERE h."kind" = %s))
  ORDER BY day
  OFFSET COALESCE(
      (SELECT p."acceptance_days" FROM "{policies}" p WHERE p."authority_id" = "approvals_application"."district_id"),
      (SELECT p."acceptance_days" FROM "{policies}" p JOIN "events_authority" a ON a."parent_id" = p."authority_id"
       WHERE a."id" = "approvals_application"."district_id"),
      %s) - 1
  LIMIT 1)"""


def acceptance_due_expression():
    """The acceptance clock's due date as an SQL expression over approvals_application (PostgreSQL)."""
    sql = _ACCEPTANCE_DUE_SQL.format(days=CalendarDay._meta.db_table, policies=ClockPolicy._meta.db_table)
    default_days = ClockPolicy._meta.get_field("acceptance_days").default
    return RawSQL(sql, (settings.TIME_ZONE, settings.TIME_ZONE, CalendarDay.Kind.WORKING_WEEKEND,
                        CalendarDay.Kind.DAY_OFF, default_days), output_field=DateField())
