"""factory_boy factories shared by every app's tests.

Regions and industries come from the reference-data migration, so factories point at real codes:
510112 成都市龙泉驿区, 510104 锦江区, 500113 重庆市巴南区; industry 36 汽车制造业.
"""

from __future__ import annotations

import factory
from django.conf import settings
from stdnum.cn import uscc

from qifu.enterprises.models import CommissionerAssignment, Enterprise, EnterpriseContact
from qifu.organisations.choices import Role, UnitKind
from qifu.organisations.models import Industry, Region, RoleGrant, Section, Unit, User

TEST_PASSWORD = "correct-horse-battery-9"  # noqa: S105


def credit_code(n: int) -> str:
    """A valid 18-character unified social credit code, distinct for each n."""
    body = f"91510112{n:09d}"
    return body + uscc.calc_check_digit(body)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = UnitKind.DEPARTMENT
    region = factory.LazyFunction(lambda: region("510112"))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Section {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[tuple[str, Unit | None]] | None, **kwargs: object) -> None:
        """roles=[(Role.X, unit_or_None), ...]"""
        if create:
            self.save()
        if not create or not extracted:
            return
        for role, unit in extracted:
            RoleGrant.objects.create(user=self, role=role, unit=unit)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"Enterprise {n}")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    region = factory.LazyFunction(lambda: region("510112"))
    industry = factory.LazyFunction(lambda: industry("36"))
    above_scale = True
    headcount = 100


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseContact

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionerAssignment

    enterprise = factory.SubFactory(EnterpriseFactory)
    commissioner = factory.SubFactory(UserFactory)
    started_at = factory.Faker("date_time", tzinfo=__import__("datetime").UTC)


def make_user(role: str, grant_unit: Unit | None = None, **kwargs: object) -> User:
    """A user holding one role (in ``grant_unit`` where the role is unit-scoped)."""
    user = UserFactory(**kwargs)
    RoleGrant.objects.create(user=user, role=role, unit=grant_unit)
    return user


class World:
    """A small organisation for permission tests: two districts, units of every kind, users of every role."""

    def __init__(self) -> None:
        lqy, jj, cq = region("510112"), region("510104"), region("500113")
        chengdu = region("510100")
        self.hq = UnitFactory(name="City HQ", code="cd-hq", kind=UnitKind.HEADQUARTERS, region=chengdu)
        self.cc_lqy = UnitFactory(name="LQY command", code="lqy-cc", kind=UnitKind.COMMAND_CENTER, region=lqy, parent=self.hq)
        self.cc_jj = UnitFactory(name="JJ command", code="jj-cc", kind=UnitKind.COMMAND_CENTER, region=jj, parent=self.hq)
        self.task_force = UnitFactory(name="Logistics TF", code="tf-log", kind=UnitKind.SERVICE_TASK_FORCE, region=chengdu)
        self.leadership = UnitFactory(name="Leaders 1", code="lead-1", kind=UnitKind.LEADERSHIP_TASK_FORCE, region=chengdu)
        self.department = UnitFactory(name="Transport bureau", code="dept-tr", kind=UnitKind.DEPARTMENT, region=chengdu)
        self.bureau_lqy = UnitFactory(name="LQY economic bureau", code="lqy-eb", kind=UnitKind.ECONOMIC_BUREAU, region=lqy)
        self.work_team = UnitFactory(name="Work team", code="wt-1", kind=UnitKind.WORK_TEAM, region=lqy)

        self.admin = make_user(Role.ADMINISTRATOR, None, username="admin")
        self.leader = make_user(Role.LEADERSHIP, self.leadership, username="leader")
        self.cc_staff = make_user(Role.COMMAND_CENTER, self.cc_lqy, username="cc_lqy", unit=self.cc_lqy)
        self.cc_other = make_user(Role.COMMAND_CENTER, self.cc_jj, username="cc_jj", unit=self.cc_jj)
        self.tf_member = make_user(Role.TASK_FORCE, self.task_force, username="tf", unit=self.task_force)
        self.dept_staff = make_user(Role.DEPARTMENT, self.department, username="dept", unit=self.department)
        self.bureau_staff = make_user(Role.DEPARTMENT, self.bureau_lqy, username="bureau", unit=self.bureau_lqy)
        self.commissioner = make_user(Role.COMMISSIONER, self.bureau_lqy, username="comm", unit=self.bureau_lqy)
        self.commissioner2 = make_user(Role.COMMISSIONER, self.bureau_lqy, username="comm2", unit=self.bureau_lqy)
        self.team_leader = make_user(Role.COMMISSIONER, self.work_team, username="team_leader", unit=self.work_team)
        self.team_member = make_user(Role.COMMISSIONER, self.work_team, username="team_member", unit=self.work_team)

        self.ent_lqy = EnterpriseFactory(name="LQY Motor", region=lqy)
        self.ent_lqy2 = EnterpriseFactory(name="LQY Parts", region=lqy)
        self.ent_jj = EnterpriseFactory(name="JJ Foods", region=jj, industry=industry("14"))
        self.ent_cq = EnterpriseFactory(name="CQ Supplier", region=cq, is_external=True)
        self.ent_project = EnterpriseFactory(name="Project owner", region=lqy)
        AssignmentFactory(enterprise=self.ent_lqy, commissioner=self.commissioner)
        AssignmentFactory(enterprise=self.ent_lqy2, commissioner=self.commissioner2)
        AssignmentFactory(enterprise=self.ent_project, commissioner=self.team_leader)

        self.contact_user = make_user(Role.ENTERPRISE_CONTACT, None, username="contact")
        ContactFactory(enterprise=self.ent_lqy, user=self.contact_user, name="Contact person", is_primary=True)
        self.nobody = UserFactory(username="nobody")

    def role_users(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "leader": self.leader,
            "cc_staff": self.cc_staff,
            "tf_member": self.tf_member,
            "dept_staff": self.dept_staff,
            "bureau_staff": self.bureau_staff,
            "commissioner": self.commissioner,
            "team_member": self.team_member,
            "contact_user": self.contact_user,
            "nobody": self.nobody,
        }


__all__ = ["settings", "TEST_PASSWORD"]
