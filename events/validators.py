"""Validators and input limits shared by the models, forms and serializers: single-line names, phone numbers, the
length of free text, the number of exits. The models carry them, so pages, API and admin refuse the same input."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Free text ends up in the security-plan PDF, which a worker must render within PLAN_RENDER_SOFT_TIME_LIMIT
# (120 s): a 3.9 MB description made a 1,154-page plan that took 225 s. Filled to every limit below, a plan stays
# in the tens of pages. The event description keeps the API's long-standing 5,000.
EVENT_DESCRIPTION_MAX_LENGTH = 5_000
SECTION_NARRATIVE_MAX_LENGTH = 10_000  # per plan section, 11 sections
VETTING_REASON_MAX_LENGTH = 2_000  # a culture official's reason for striking an act or a song
RECORD_DESCRIPTION_MAX_LENGTH = 5_000  # an accountability record's grounds

# More exits than any real venue registers (a large stadium has a few dozen gates); every exit is a row written
# and validated one by one, and 10,000 of them took 10.6 s in one request.
MAX_VENUE_EXITS = 50

# C0 and C1 control characters (CR, LF, tab, NUL, ESC...) and the Unicode line and paragraph separators: a name
# is one line. CR/LF in an event name used to break every e-mail subject of its application.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# One rule for every phone number: a mainland mobile number (11 digits, 13x-19x) or a landline with its area
# code (0 and 2-3 digits, e.g. 010, 0571), an optional hyphen, 7-8 digits and an optional "-extension".
PHONE_NUMBER = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")


def validate_single_line(value) -> None:
    if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("不能包含换行符、制表符或其他控制字符。"), code="control_characters")


def validate_phone(value) -> None:
    if value and not (isinstance(value, str) and PHONE_NUMBER.fullmatch(value)):
        raise ValidationError(
            _("请填写有效的电话号码：11 位手机号（如 13800138000）或带区号的固定电话（如 010-12345678、0571-88886666）。"),
            code="phone")
