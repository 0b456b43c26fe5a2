"""The vocabulary of campaigns and units: a campaign's status, the level of its issuing body,
how a plan names a unit's kind, what a unit's history records, and how a plan lists a unit."""
from __future__ import annotations

from dataclasses import dataclass

from vocabulary.i18n import N_, gettext

DRAFT, ACTIVE, CLOSED = "draft", "active", "closed"
CAMPAIGN_STATUSES = (DRAFT, ACTIVE, CLOSED)
CAMPAIGN_STATUS_LABELS = {DRAFT: N_("Draft"), ACTIVE: N_("Running"), CLOSED: N_("Closed")}


@dataclass(frozen=True)
class IssuerLevel:
    """What an issuing body's level changes in the texts. ``word`` follows "UBND" and "Chủ tịch"
    when a text names the body without its place ("UBND huyện", "CT, các PCT UBND tỉnh");
    ``radio`` is the local broadcaster the plan invites to a surprise inspection."""

    code: str
    word: str
    radio: str


ISSUER_LEVELS = {
    "tinh": IssuerLevel("tinh", "tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
    "huyen": IssuerLevel("huyen", "huyện", "Đài Phát thanh huyện"),
    "xa": IssuerLevel("xa", "xã", "Đài Truyền thanh xã"),
}
ISSUER_LEVEL_CODES = tuple(ISSUER_LEVELS)
ISSUER_LEVEL_LABELS = {"tinh": N_("Province"), "huyen": N_("District"), "xa": N_("Commune")}

# How the plan names a unit's kind. The stable interface's ``unit_kind`` (office / commune) stays:
# every category is one or the other.
UNIT_CATEGORIES: dict[str, tuple[str, str]] = {
    # code: (unit_kind, label)
    "phong": ("office", N_("Specialised office (phòng)")),
    "so": ("office", N_("Department (sở)")),
    "thanh_tra": ("office", N_("Inspectorate")),
    "van_phong": ("office", N_("Office of the People's Council and Committee")),
    "co_quan_khac": ("office", N_("Other agency")),
    "xa": ("commune", N_("Commune (xã)")),
    "phuong": ("commune", N_("Ward (phường)")),
    "thi_tran": ("commune", N_("Township (thị trấn)")),
    "dac_khu": ("commune", N_("Special zone (đặc khu)")),
}
UNIT_CATEGORY_CODES = tuple(UNIT_CATEGORIES)
# How a text names communes of each category: "UBND các xã, phường".
COMMUNE_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu"}

UNIT_CHANGES = ("rename", "merge", "split")
UNIT_CHANGE_LABELS = {"rename": N_("Renamed"), "merge": N_("Merged"), "split": N_("Split")}

# What a campaign does with a unit's file that carries no valid digital signature (unsigned, or
# signed by a certificate outside the trust roots, expired or revoked): accept it, flagged, or
# refuse it. A broken signature is always refused (docs/signatures.md).
ACCEPT_UNSIGNED, REFUSE_UNSIGNED = "accept", "refuse"
UNSIGNED_POLICIES = (ACCEPT_UNSIGNED, REFUSE_UNSIGNED)
UNSIGNED_POLICY_LABELS = {ACCEPT_UNSIGNED: N_("Accept it, flagged as not validly signed"),
                          REFUSE_UNSIGNED: N_("Refuse it")}

# The kinds of inspection a plan lists a unit for; a case opened on the day may also be a surprise.
PLANNED_KINDS = ("direct", "self")
LISTED_KINDS = (*PLANNED_KINDS, "surprise")


# A member's role in the inspection team, as the team decision names it (Quyết định thành lập Đoàn).
TEAM_ROLES = ("head", "deputy", "secretary", "member")
TEAM_ROLE_LABELS = {"head": N_("Head of the team"), "deputy": N_("Deputy head of the team"), "secretary": N_("Secretary of the team"),
                    "member": N_("Team member")}


def category_label(code: str | None) -> str:
    return gettext(UNIT_CATEGORIES[code][1]) if code in UNIT_CATEGORIES else ""


def unit_kind_of(category: str) -> str:
    return UNIT_CATEGORIES[category][0]
