"""Excel columns of the personal list (返岗人员名单): upload and export share them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qifu.core.excel import Column

WORKER_COLUMNS: tuple[Column, ...] = (
    Column("name", _("Name"), aliases=("姓名",), required=True, example="张三", width=12),
    Column("phone", _("Phone"), aliases=("手机", "手机号", "手机号码", "联系电话", "电话"), required=True,
           example="13800000000", text=True, width=14),
    Column("id_number", _("ID number"), aliases=("身份证号", "身份证号码", "公民身份号码"), required=True,
           example="11010519491231002X", text=True, width=22,
           help_text=_("18 characters; the check digit is verified.")),
    Column("origin", _("Origin code"), aliases=("籍贯代码", "来源地代码", "户籍地代码", "行政区划代码"), required=True,
           example="420111", text=True, width=10, help_text=_("GB/T 2260 code of the county (or province).")),
    Column("origin_name", _("Origin"), aliases=("来源地", "户籍地"), importable=False, width=24),
    Column("job", _("Job"), aliases=("岗位", "工种"), example="焊工", width=14),
    Column("state", _("State"), aliases=("状态",), importable=False, width=12),
)
