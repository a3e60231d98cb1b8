"""The roles of anbao, as Django groups. Names are stable codes; labels are translated."""
from django.utils.translation import gettext_lazy as _

ORGANIZER = "organizer"
REVIEWER = "reviewer"
SUPERVISOR = "supervisor"
CULTURE_OFFICIAL = "culture_official"
SECURITY_COMPANY = "security_company"
DEPARTMENT_OFFICIAL = "department_official"  # 消防救援, 交警, ...: answers the police's opinion requests
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    ORGANIZER: _("主办/承办方"),
    REVIEWER: _("公安审批民警"),
    SUPERVISOR: _("分局领导"),
    CULTURE_OFFICIAL: _("文旅审核员"),
    SECURITY_COMPANY: _("保安公司"),
    DEPARTMENT_OFFICIAL: _("部门审查人员"),
    ADMINISTRATOR: _("系统管理员"),
}
ALL_ROLES = tuple(ROLE_LABELS)
POLICE_ROLES = (REVIEWER, SUPERVISOR)
