"""Every URL × anonymous and every role, with own and foreign records for object URLs.

The test walks the URL resolver: a URL without an entry in POLICY fails the test, so a
new page cannot ship without saying who may open it. "Own" records are Paris records
(the coordinator Amara's territory); "foreign" ones are Lyon's.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from binome.portals.tests import policies
from binome.portals.tests.policy_kit import (
    ENTRANCE,
    INVITATION_MANAGERS,
    INVITATION_POST_ONLY,
    LOGIN,
    PUBLIC,
    SIGNED_IN_ONLY,
    STAFF_OBJECT_FOREIGN,
    STAFF_POST_ONLY,
    STAFF_SECTION,
    TRAINING_POST_ONLY,
    Policy,
    expect,
    on_url,
    users,
)
from conftest import Cast


def pending_meeting(cast: Cast, lyon: bool = False) -> Any:
    """A meeting the duo's mentor recorded, not confirmed yet."""
    from datetime import date

    from binome.meetings.models import Meeting

    duo = cast.lyon_duo if lyon else cast.paris_duo
    meeting, _created = Meeting.objects.get_or_create(
        duo=duo,
        held_on=max(duo.started_on, date(2026, 5, 1)),
        defaults={"duration_minutes": 60, "mode": "video", "topics": ["cv"], "recorded_as": "mentor"},
    )
    return meeting


def match_run(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """A stored matching run (with one proposal) of the Paris or the Lyon cohort of the cast."""
    from binome.pairing.models import MatchRun, Proposal

    duo = cast.lyon_duo if lyon else cast.paris_duo
    run, _created = MatchRun.objects.get_or_create(cohort=duo.cohort, number=1, defaults={"engine_version": "test"})
    proposal, _created = Proposal.objects.get_or_create(run=run, mentee=duo.mentee, mentor=duo.mentor, score=0.5)
    return {"pk": run.pk, "proposal": proposal.pk}


def invitation(cast: Cast, lyon: bool = False) -> Any:
    """A current enrolment link of Acme (Paris) or of the Lyon company of the cast."""
    from datetime import date

    from binome.sourcing.models import MentorInvitation

    company = cast.dev.company if lyon else cast.acme
    found, _created = MentorInvitation.objects.get_or_create(
        company=company, label="Matrix", defaults={"valid_from": date(2020, 1, 1), "valid_until": date(2099, 1, 1)}
    )
    return found


def training_attendance(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """A Paris or Lyon training session with the territory's mentor registered."""
    from datetime import UTC, datetime

    from binome.sourcing.models import TrainingAttendance, TrainingSession

    territory, mentor = (cast.lyon, cast.dev) if lyon else (cast.paris, cast.ben)
    session, _created = TrainingSession.objects.get_or_create(
        territory=territory, place="Matrix", defaults={"starts_at": datetime(2026, 1, 10, 9, tzinfo=UTC)}
    )
    attendance, _created = TrainingAttendance.objects.get_or_create(session=session, mentor=mentor)
    return {"pk": session.pk, "attendance_pk": attendance.pk}


POLICY: dict[str, Policy] = {
    "home": Policy(expect(302, anonymous=302)),
    "territories:dashboard": Policy(expect(403, anonymous=LOGIN, national_admin=200, coordinator=302)),
    "territories:territory": Policy(
        STAFF_SECTION,
        own=lambda c: {"slug": c.paris.slug},
        foreign=lambda c: {"slug": c.lyon.slug},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "people:people": Policy(STAFF_SECTION),
    "people:person": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.chloe.person_id},
        foreign=lambda c: {"pk": c.leila.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "people:person_edit": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.chloe.person_id},
        foreign=lambda c: {"pk": c.leila.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "organisations:organisations": Policy(STAFF_SECTION),
    "organisations:organisation": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_ngo.pk},
        foreign=lambda c: {"pk": c.lyon_ngo.pk},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "company_portal": Policy(expect(403, anonymous=LOGIN, company_contact=200)),
    "mentor_portal": Policy(expect(403, anonymous=LOGIN, mentor=200)),
    "mentee_portal": Policy(expect(403, anonymous=LOGIN, mentee=200)),
    "partner_portal": Policy(expect(403, anonymous=LOGIN, referrer=200)),
    "funder_portal": Policy(expect(403, anonymous=LOGIN, national_admin=200, funder=200)),
    # Sourcing, refugee side: referrers see their own partner's referrals only; the application is public.
    "sourcing:referral_new": Policy(expect(403, anonymous=LOGIN, referrer=200)),
    "sourcing:referral": Policy(
        expect(403, anonymous=LOGIN, referrer=200),
        own=lambda c: {"pk": c.chloe_referral.pk},
        foreign=lambda c: {"pk": c.leila_referral.pk},
        expected_foreign=expect(403, anonymous=LOGIN, referrer=404),
    ),
    "sourcing:apply": Policy(PUBLIC),
    "sourcing:apply_thanks": Policy(PUBLIC),
    "sourcing:screening_board": Policy(STAFF_SECTION),
    "sourcing:screening_bulk": Policy(expect(403, anonymous=LOGIN, national_admin=405, coordinator=405)),  # POST only
    "sourcing:screening_referral": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.chloe_referral.pk},
        foreign=lambda c: {"pk": c.leila_referral.pk},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    # Matching board: cohorts and runs of the coordinator's territory only.
    "pairing:matching": Policy(STAFF_SECTION),
    "pairing:matching_board": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_duo.cohort_id},
        foreign=lambda c: {"pk": c.lyon_duo.cohort_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "pairing:matching_compare": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_duo.cohort_id},
        foreign=lambda c: {"pk": c.lyon_duo.cohort_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "pairing:matching_decide": Policy(
        STAFF_POST_ONLY,
        own=match_run,
        foreign=lambda c: match_run(c, lyon=True),
        expected_foreign=STAFF_POST_ONLY,
    ),
    **{
        name: Policy(
            STAFF_POST_ONLY,
            own=lambda c: {"pk": match_run(c)["pk"]},
            foreign=lambda c: {"pk": match_run(c, lyon=True)["pk"]},
            expected_foreign=STAFF_POST_ONLY,
        )
        for name in ("pairing:matching_swap", "pairing:matching_pair")
    },
    # The confirmation page (GET) asks; its form (POST with the count it showed) creates the duos.
    "pairing:matching_confirm": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": match_run(c)["pk"]},
        foreign=lambda c: {"pk": match_run(c, lyon=True)["pk"]},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    # Mentor enrolment: the link is public while valid; company contacts manage their own company's
    # links, staff those of their territories' companies. POST-only actions refuse GET (405).
    "sourcing:join": Policy(
        PUBLIC,
        own=lambda c: {"token": invitation(c).token},
        foreign=lambda c: {"token": "not-a-real-token"},
        expected_foreign=expect(404),
    ),
    **{
        name: Policy(
            PUBLIC,
            own=lambda c: {"token": invitation(c).token},
            foreign=lambda c: {"token": "not-a-real-token"},
            expected_foreign=expect(404),
        )
        for name in ("sourcing:join_occupations", "sourcing:join_places")
    },
    # Links emailed to an address (issue #15, F4 and F15): a token that was never issued is not found.
    "sourcing:join_confirm": Policy(expect(404), own=lambda c: {"token": "not-a-real-token"}),
    "accounts:role_invitation": Policy(expect(404), own=lambda c: {"token": "not-a-real-token"}),
    "sourcing:invitation_create": Policy(
        INVITATION_POST_ONLY,
        own=lambda c: {"company_pk": c.acme.pk},
        foreign=lambda c: {"company_pk": c.dev.company_id},
        expected_foreign=INVITATION_POST_ONLY,
    ),
    "sourcing:invitation": Policy(
        INVITATION_MANAGERS,
        own=lambda c: {"pk": invitation(c).pk},
        foreign=lambda c: {"pk": invitation(c, lyon=True).pk},
        expected_foreign=expect(403, anonymous=LOGIN, national_admin=200, coordinator=404, company_contact=404),
    ),
    "sourcing:invitation_revoke": Policy(
        INVITATION_POST_ONLY,
        own=lambda c: {"pk": invitation(c).pk},
        foreign=lambda c: {"pk": invitation(c, lyon=True).pk},
        expected_foreign=INVITATION_POST_ONLY,
    ),
    "sourcing:invitation_send_to_hr": Policy(
        STAFF_POST_ONLY,
        own=lambda c: {"pk": invitation(c).pk},
        foreign=lambda c: {"pk": invitation(c, lyon=True).pk},
        expected_foreign=STAFF_POST_ONLY,
    ),
    # Mentor training: staff of the session's territory.
    "sourcing:training": Policy(STAFF_SECTION),
    "sourcing:training_session": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": training_attendance(c)["pk"]},
        foreign=lambda c: {"pk": training_attendance(c, lyon=True)["pk"]},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "sourcing:training_register": Policy(
        TRAINING_POST_ONLY,
        own=lambda c: {"pk": training_attendance(c)["pk"]},
        foreign=lambda c: {"pk": training_attendance(c, lyon=True)["pk"]},
        expected_foreign=TRAINING_POST_ONLY,
    ),
    "sourcing:training_mark_all": Policy(
        TRAINING_POST_ONLY,
        own=lambda c: {"pk": training_attendance(c)["pk"]},
        foreign=lambda c: {"pk": training_attendance(c, lyon=True)["pk"]},
        expected_foreign=TRAINING_POST_ONLY,
    ),
    "sourcing:training_mark": Policy(
        TRAINING_POST_ONLY,
        own=training_attendance,
        foreign=lambda c: training_attendance(c, lyon=True),
        expected_foreign=TRAINING_POST_ONLY,
    ),
    "sourcing:training_unregister": Policy(
        TRAINING_POST_ONLY,
        own=training_attendance,
        foreign=lambda c: training_attendance(c, lyon=True),
        expected_foreign=TRAINING_POST_ONLY,
    ),
    "sourcing:training_waive": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.ben.person_id},
        foreign=lambda c: {"pk": c.dev.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    # A duo's pages: its two members, and staff of its territory.
    "meetings:mentor_duo": Policy(
        expect(403, anonymous=LOGIN, mentor=200),
        own=lambda c: {"pk": c.paris_duo.pk},
        foreign=lambda c: {"pk": c.lyon_duo.pk},
        expected_foreign=expect(403, anonymous=LOGIN, mentor=404),
    ),
    "meetings:mentee_duo": Policy(
        expect(403, anonymous=LOGIN, mentee=200),
        own=lambda c: {"pk": c.paris_duo.pk},
        foreign=lambda c: {"pk": c.lyon_duo.pk},
        expected_foreign=expect(403, anonymous=LOGIN, mentee=404),
    ),
    "meetings:staff_duo": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_duo.pk},
        foreign=lambda c: {"pk": c.lyon_duo.pk},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    **{
        name: Policy(
            expected,
            own=lambda c: {"pk": c.paris_duo.pk},
            foreign=lambda c: {"pk": c.lyon_duo.pk},
            expected_foreign=expected,
        )
        for name, expected in [
            ("meetings:mentor_log_meeting", expect(403, anonymous=LOGIN, mentor=405)),
            ("meetings:mentor_introduction", expect(403, anonymous=LOGIN, mentor=405)),
            ("meetings:mentor_sharing", expect(403, anonymous=LOGIN, mentor=405)),
            ("meetings:mentee_log_meeting", expect(403, anonymous=LOGIN, mentee=405)),
            ("meetings:mentee_sharing", expect(403, anonymous=LOGIN, mentee=405)),
            ("meetings:staff_log_meeting", STAFF_POST_ONLY),
            ("meetings:staff_duo_status", STAFF_POST_ONLY),
        ]
    },
    **{
        name: Policy(
            expected,
            own=lambda c: {"pk": c.paris_duo.pk, "meeting": 1},
            foreign=lambda c: {"pk": c.lyon_duo.pk, "meeting": 1},
            expected_foreign=expected,
        )
        for name, expected in [
            ("meetings:mentor_confirm_meeting", expect(403, anonymous=LOGIN, mentor=405)),
            ("meetings:mentee_confirm_meeting", expect(403, anonymous=LOGIN, mentee=405)),
        ]
    },
    # A meeting of the duo waiting for confirmation: staff of the duo's territory open the form, others
    # (and staff of another territory) get 404, like any record outside their scope.
    "meetings:staff_phone_confirmation": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_duo.pk, "meeting": pending_meeting(c).pk},
        foreign=lambda c: {"pk": c.lyon_duo.pk, "meeting": pending_meeting(c, lyon=True).pk},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "meetings:attention": Policy(STAFF_SECTION),
    "meetings:alert_action": Policy(STAFF_POST_ONLY, own=lambda c: {"pk": 1}),
    "reference:occupations": Policy(SIGNED_IN_ONLY),
    "reference:places": Policy(SIGNED_IN_ONLY),
    "set_language": Policy(expect(302)),  # GET redirects back; the switch itself is a POST
    # allauth
    "account_login": Policy(ENTRANCE),
    "account_logout": Policy(expect(200, anonymous=302)),
    "account_inactive": Policy(PUBLIC),
    "account_signup": Policy(ENTRANCE),  # sign-up is closed: anonymous see "sign-up closed"
    "account_reauthenticate": Policy(SIGNED_IN_ONLY),
    "account_email": Policy(SIGNED_IN_ONLY),
    "account_email_verification_sent": Policy(PUBLIC),
    "account_change_password": Policy(SIGNED_IN_ONLY),
    "account_set_password": Policy(expect(302, anonymous=LOGIN)),  # everyone has a password already
    "account_reset_password": Policy(PUBLIC),
    "account_reset_password_done": Policy(PUBLIC),
    "account_confirm_login_code": Policy(expect(302, anonymous=302)),  # login by code is off
    # An unknown key shows allauth's "invalid link" page.
    "account_confirm_email": Policy(PUBLIC, own=lambda c: {"key": "not-a-real-key"}),
    "account_reset_password_from_key": Policy(
        expect(200, anonymous=200), own=lambda c: {"uidb36": "zz", "key": "not-a-real-key"}
    ),
    "account_reset_password_from_key_done": Policy(PUBLIC),
    "static": Policy(expect(404), own=lambda c: {"path": "does-not-exist.css"}),
    # Spreadsheet imports and duplicates (staff). A preview token that was never issued is not found.
    "sourcing:imports": Policy(STAFF_SECTION),
    "sourcing:import_template": Policy(STAFF_SECTION, own=lambda c: {"kind": "xlsx"}),
    "sourcing:import_done": Policy(STAFF_SECTION),
    "sourcing:import_preview": Policy(
        expect(403, anonymous=LOGIN, national_admin=404, coordinator=404),
        own=lambda c: {"token": "never-issued-token-0123456789"},
    ),
    "sourcing:duplicates": Policy(STAFF_SECTION),
    "sourcing:merge": Policy(
        STAFF_SECTION,
        own=lambda c: {"first": c.chloe.person_id, "second": c.ben.person_id},
        foreign=lambda c: {"first": c.leila.person_id, "second": c.dev.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
}


def workshop(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """A workshop of the cast's Paris or Lyon cohort, with the duo's mentee invited."""
    from datetime import UTC, datetime

    from binome.cohorts.models import Workshop, WorkshopInvitation

    duo = cast.lyon_duo if lyon else cast.paris_duo
    found, _created = Workshop.objects.get_or_create(
        cohort=duo.cohort,
        title="Matrix",
        defaults={
            "kind": "kick_off",
            "starts_at": datetime(2026, 3, 1, 17, tzinfo=UTC),
            "ends_at": datetime(2026, 3, 1, 19, tzinfo=UTC),
        },
    )
    invited, _created = WorkshopInvitation.objects.get_or_create(
        workshop=found, person=duo.mentee.person, defaults={"role": "mentee"}
    )
    return {"pk": found.pk, "invitation_pk": invited.pk}


def calendar_token(cast: Cast) -> dict[str, Any]:
    from binome.cohorts.models import CalendarFeed

    feed, _created = CalendarFeed.objects.get_or_create(user=cast.chloe_user)
    return {"token": feed.token}


def programme_template(cast: Cast, lyon: bool = False) -> Any:
    """Paris's or Lyon's own copy of a programme template."""
    from binome.cohorts.models import ProgrammeTemplate

    territory = cast.lyon if lyon else cast.paris
    found, _created = ProgrammeTemplate.objects.get_or_create(name=f"Matrix {territory.slug}", territory=territory)
    return found


NATIONAL_ONLY = expect(403, anonymous=LOGIN, national_admin=200)
PROGRAMME_POST_ONLY = expect(403, anonymous=LOGIN, national_admin=405, coordinator=405)

# Programme delivery (binome/portals/urls/cohorts.py): staff of the cohort's territory;
# national pages for national admins; the calendar feed is public to whoever holds its token.
POLICY.update(
    {
        "cohorts:cohorts": Policy(STAFF_SECTION),
        "cohorts:cohort_calendar": Policy(
            STAFF_SECTION,
            own=lambda c: {"pk": c.paris_duo.cohort_id},
            foreign=lambda c: {"pk": c.lyon_duo.cohort_id},
            expected_foreign=STAFF_OBJECT_FOREIGN,
        ),
        **{
            name: Policy(
                STAFF_SECTION,
                own=lambda c: {"pk": workshop(c)["pk"]},
                foreign=lambda c: {"pk": workshop(c, lyon=True)["pk"]},
                expected_foreign=STAFF_OBJECT_FOREIGN,
            )
            for name in ("cohorts:workshop", "cohorts:workshop_attendance")
        },
        **{
            name: Policy(
                PROGRAMME_POST_ONLY,
                own=lambda c: {"pk": workshop(c)["pk"]},
                foreign=lambda c: {"pk": workshop(c, lyon=True)["pk"]},
                expected_foreign=PROGRAMME_POST_ONLY,
            )
            for name in ("cohorts:workshop_invite", "cohorts:workshop_cancel")
        },
        "cohorts:workshop_mark": Policy(
            PROGRAMME_POST_ONLY,
            own=workshop,
            foreign=lambda c: workshop(c, lyon=True),
            expected_foreign=PROGRAMME_POST_ONLY,
        ),
        "cohorts:templates": Policy(STAFF_SECTION),
        "cohorts:template": Policy(
            STAFF_SECTION,
            own=lambda c: {"pk": programme_template(c).pk},
            foreign=lambda c: {"pk": programme_template(c, lyon=True).pk},
            expected_foreign=STAFF_OBJECT_FOREIGN,
        ),
        "territories:national": Policy(NATIONAL_ONLY),
        "territories:open_territory": Policy(NATIONAL_ONLY),
        "territories:checklist": Policy(
            STAFF_SECTION,
            own=lambda c: {"slug": c.paris.slug},
            foreign=lambda c: {"slug": c.lyon.slug},
            expected_foreign=STAFF_OBJECT_FOREIGN,
        ),
        "territories:contact": Policy(
            STAFF_POST_ONLY,
            own=lambda c: {"slug": c.paris.slug},
            foreign=lambda c: {"slug": c.lyon.slug},
            expected_foreign=STAFF_POST_ONLY,
        ),
        "cohorts:calendar_feed_manage": Policy(SIGNED_IN_ONLY),
        "cohorts:calendar_feed": Policy(
            PUBLIC,
            own=calendar_token,
            foreign=lambda c: {"token": "not-a-real-token"},
            expected_foreign=expect(404),
        ),
        # A workshop's .ics is checked against the viewer's workshops in
        # binome/cohorts/tests/test_feeds_and_resources.py.
        "cohorts:workshop_ics": Policy(expect(404, anonymous=LOGIN), own=lambda c: {"pk": 999_999}),
        "cohorts:resources": Policy(expect(403, anonymous=LOGIN, mentor=200, mentee=200)),
        # Downloads are checked against the viewer's cohorts in binome/cohorts/tests/test_feeds_and_resources.py.
        "cohorts:resource_file": Policy(expect(404, anonymous=LOGIN), own=lambda c: {"pk": 999_999}),
    }
)

# Each area's own policies (binome/portals/tests/policies/<area>.py).
for _module in pkgutil.iter_modules(policies.__path__):
    POLICY.update(importlib.import_module(f"{policies.__name__}.{_module.name}").POLICY)

ADMIN_DENIED = expect(302, national_admin=200)
# Read-only in the admin: the audit trail and the task queue can't be added to or deleted from.
ADMIN_READ_ONLY = expect(302, national_admin=403)
READ_ONLY_ADMIN_PAGES = re.compile(r"admin:(audit_auditevent|django_tasks_database_dbtaskresult)_(add|delete)")


def walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str | None, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(n for n in [namespace, pattern.namespace] if n) or None
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def admin_url(name: str | None, route: str) -> str | None:
    """A concrete URL for an admin route: object routes get the pk of an existing record."""
    if name is None:
        return None  # admin's unnamed catch-all and redirects are covered by the named routes
    short = name.removeprefix("admin:")
    if short in {"app_list"}:
        return reverse(name, kwargs={"app_label": "people"})
    if short in {"view_on_site", "autocomplete", "logout", "password_change", "password_change_done", "login"}:
        return None  # not a data page; see ADMIN_SKIPPED
    if short == "auth_user_password_change":  # Django's UserAdmin names it after auth.User
        return reverse(name, args=[get_user_model().objects.order_by("pk").first().pk])
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix) and short.removeprefix(prefix) in {
            "change",
            "delete",
            "history",
            "password_change",
        }:
            obj = model._default_manager.order_by("pk").first()
            return reverse(name, args=[obj.pk]) if obj else None
    return reverse(name)


ADMIN_SKIPPED = {
    "admin:view_on_site",
    "admin:autocomplete",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:login",
}


# The cases are shared out between MATRIX_SHARDS tests (case i goes to shard i mod MATRIX_SHARDS) so
# that two workers check them side by side; every shard builds the whole list, checks that every URL
# has a policy, and prints its share, so the shards together check each case once.
MATRIX_SHARDS = 2


@pytest.mark.long
@pytest.mark.parametrize("shard", range(MATRIX_SHARDS))
def test_every_url_has_a_policy_and_every_role_gets_what_the_policy_says(
    cast: Cast, client_for: Any, shard: int
) -> None:
    cases: list[tuple[str, str, int]] = []  # (role, url, expected)
    missing: list[str] = []
    for route, name, _pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            if name in ADMIN_SKIPPED:
                continue
            url = admin_url(name, route)
            if url is not None:
                policy_codes = ADMIN_READ_ONLY if READ_ONLY_ADMIN_PAGES.fullmatch(name or "") else ADMIN_DENIED
                cases += [(role, url, code) for role, code in policy_codes.items()]
            continue
        key = name or ("static" if route.startswith("^static/") else None)
        policy = POLICY.get(key or "")
        if policy is None:
            missing.append(f"{route} ({name})")
            continue
        own_kwargs = policy.own(cast) if policy.own else {}
        url = reverse(name, kwargs=own_kwargs) if name else "/static/" + own_kwargs["path"]
        url_kwargs = own_kwargs if name else {}  # the static files' path is not a record
        cases += [(role, url, on_url(code, url_kwargs)) for role, code in policy.expected.items()]
        if policy.foreign:
            foreign_kwargs = policy.foreign(cast)
            foreign_url = reverse(name, kwargs=foreign_kwargs)
            cases += [
                (role, foreign_url, on_url(code, foreign_kwargs)) for role, code in policy.expected_foreign.items()
            ]

    assert not missing, f"URLs without an authorization policy: {missing}"

    assert len(cases) > 300
    role_users = users(cast)
    mismatches = []
    share = cases[shard::MATRIX_SHARDS]
    for role, url, expected in share:
        response = client_for(role_users[role]).get(url)
        if response.status_code != expected:
            mismatches.append(f"{role} GET {url}: expected {expected}, got {response.status_code}")
    assert not mismatches, "\n".join(mismatches)
    print(
        f"authorization matrix shard {shard + 1}/{MATRIX_SHARDS}: {len(share)} of {len(cases)} cases, "
        f"{len(mismatches)} mismatches"
    )
