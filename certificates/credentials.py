"""The Open Badges 3.0 credential and the compact token of a certificate, from plain facts. Pure."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from certificates.codes import holder_hash
from certificates.signing import IssuerKey, sign_document, sign_token

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ISSUER_NAME = "Aula Consular — Dirección General de Protección al Hondureño Migrante"


@dataclass(frozen=True)
class Facts:
    """What a certificate states, as primitives (no ORM objects)."""

    serial: str
    code: str
    holder_name: str
    course_slug: str
    course_code: str
    course_title: str
    version_label: str
    hours: float
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Urls:
    """The public addresses a credential points at (built from the public base URL)."""

    verification: str  # this certificate's verification page
    issuer: str  # the issuer profile with the public key
    course: str  # the course page (the achievement's id)

    @property
    def key(self) -> str:
        """The verification method id (the issuer profile's key)."""
        return self.issuer + "#key-1"


def iso(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(facts: Facts, urls: Urls) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (VC Data Model 2.0) for ``facts``."""
    hours = int(facts.hours) if float(facts.hours).is_integer() else facts.hours
    return {
        "@context": CONTEXTS,
        "id": urls.verification,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": urls.issuer, "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": iso(facts.issued_at),
        "validUntil": iso(facts.expires_at),
        "name": facts.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": True,
                    "identityHash": holder_hash(facts.holder_name, facts.serial),
                    "salt": facts.serial,
                }
            ],
            "achievement": {
                "id": urls.course,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "humanCode": facts.course_code,
                "name": facts.course_title,
                "version": facts.version_label,
                "criteria": {
                    "narrative": f"{facts.course_code} {facts.version_label}: "
                    f"{hours} h. Aula Consular."
                },
            },
        },
        "aulaCertificate": {
            "serial": facts.serial,
            "verificationCode": facts.code,
            "hours": hours,
            "courseVersion": facts.version_label,
        },
    }


def sign_credential(facts: Facts, urls: Urls, key: IssuerKey, now: datetime) -> dict[str, Any]:
    """The credential with its Data Integrity proof."""
    return sign_document(build_credential(facts, urls), key, urls.key, iso(now))


def token_claims(facts: Facts) -> dict[str, Any]:
    """What the QR code's compact token carries: short, and no name in clear."""
    return {
        "sn": facts.serial,
        "vc": facts.code,
        "crs": facts.course_code,
        "v": facts.version_label,
        "hh": holder_hash(facts.holder_name, facts.serial).split("$", 1)[1][:32],
        "iat": int(facts.issued_at.timestamp()),
        "exp": int(facts.expires_at.timestamp()),
    }


def make_token(facts: Facts, key: IssuerKey) -> str:
    """The signed compact token for ``facts``."""
    return sign_token(token_claims(facts), key)


def issuer_profile(urls: Urls, key: IssuerKey) -> dict[str, Any]:
    """The issuer's public profile, with the key verifiers pin."""
    return {
        "@context": CONTEXTS,
        "id": urls.issuer,
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "verificationMethod": [
            {
                "id": urls.key,
                "type": "Multikey",
                "controller": urls.issuer,
                "publicKeyMultibase": key.multibase,
            }
        ],
        "assertionMethod": [urls.key],
        "keyFingerprint": key.key_id,
    }
