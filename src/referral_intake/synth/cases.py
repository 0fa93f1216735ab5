"""Builds one referral's content (a `Case`): patient, coverage, providers, diagnoses and clinical text."""

from __future__ import annotations

import random
from datetime import date, timedelta

from referral_intake.synth import clinical
from referral_intake.synth.catalog import SPECIALTIES, icd_description
from referral_intake.synth.ehr import EhrPatient, draw
from referral_intake.synth.people import Case, Dx, coverage, person, provider

TODAY = date(2026, 11, 20)
PEDIATRIC = (
    "Behavioral Health",
    "Otolaryngology",
    "Dermatology",
    "Pulmonology",
    "Gastroenterology",
)  # fixed so a seed gives the same corpus on any day


def build_case(
    rng: random.Random,
    ehr: list[EhrPatient],
    existing_share: float = 0.55,
    specialty: str | None = None,
    force_subscriber: bool = False,
) -> Case:
    ehr_id: str | None = None
    drift: list[str] = []
    if ehr and rng.random() < existing_share:
        patient, ehr_id, drift = draw(rng, ehr)
    else:
        patient = person(rng)
    if rng.random() < 0.6:
        patient.mrn = rng.choice(("", "", "A", "MR")) + str(rng.randint(10000, 99999999))
    coverages = []
    if force_subscriber or rng.random() < 0.95:
        coverages.append(coverage(rng, patient, force_subscriber))
        if rng.random() < 0.18:
            coverages.append(coverage(rng, patient))
    spec = specialty or rng.choice(sorted(SPECIALTIES))
    if (TODAY - patient.dob).days < 18 * 365 and not specialty:
        spec = rng.choice(PEDIATRIC)
    codes, reasons, procs = SPECIALTIES[spec]
    dx = [Dx(c, icd_description(c)) for c in rng.sample(codes, min(len(codes), rng.choice((1, 1, 2, 2, 3))))]
    procedures = [Dx(c, d) for c, d in rng.sample(procs, min(len(procs), rng.choice((0, 0, 1))))]
    d0 = dx[0].description
    reason = (
        rng.choice(reasons)
        if rng.random() < 0.3
        else rng.choice(
            (
                f"evaluation of {d0[0].lower() + d0[1:]}",
                f"{d0}, please evaluate and treat",
                f"consultation for {d0.lower()}",
                f"{d0.lower()} - eval and management",
            )
        )
    )
    return Case(
        patient=patient,
        coverages=coverages,
        referring=provider(rng),
        referred_to=provider(rng, spec),
        referral_date=TODAY - timedelta(days=rng.randint(0, 45)),
        urgency=rng.choices(("routine", "urgent", "stat"), (0.72, 0.24, 0.04))[0],
        reason=reason,
        diagnoses=dx,
        procedures=procedures,
        authorization=(rng.choice(("", "PA", "AUTH")) + str(rng.randint(1000000, 99999999)))
        if rng.random() < 0.3
        else None,
        summary=clinical.summary(rng, reason, patient.sex),
        medications=clinical.medications(rng),
        allergies=clinical.allergies(rng),
        ehr_patient_id=ehr_id,
        perturbations=drift,
    )
