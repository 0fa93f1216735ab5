"""Invented clinical text: histories, medication and allergy lists, lab panels and imaging impressions."""

from __future__ import annotations

import random

MEDS = (
    "lisinopril 10 mg daily",
    "metformin 500 mg BID",
    "atorvastatin 40 mg nightly",
    "amlodipine 5 mg daily",
    "levothyroxine 75 mcg daily",
    "omeprazole 20 mg daily",
    "sertraline 50 mg daily",
    "albuterol HFA PRN",
    "metoprolol succinate 25 mg daily",
    "apixaban 5 mg BID",
    "gabapentin 300 mg TID",
    "hydrochlorothiazide 25 mg daily",
    "ibuprofen 600 mg PRN",
    "losartan 50 mg daily",
    "insulin glargine 20 units nightly",
    "tamsulosin 0.4 mg daily",
    "montelukast 10 mg daily",
    "vitamin D3 2000 IU daily",
    "aspirin 81 mg daily",
    "furosemide 20 mg daily",
)
ALLERGIES = (
    "Penicillin (rash)",
    "Sulfa drugs",
    "Codeine (nausea)",
    "Latex",
    "Shellfish",
    "Lisinopril (cough)",
    "Amoxicillin (hives)",
    "Iodinated contrast",
)
ONSET = ("for the past {n} weeks", "for about {n} months", "since {mon}", "intermittently for {n} years")
MONTHS = ("January", "March", "May", "July", "August", "September", "October")
FINDINGS = (
    "Symptoms have not improved despite conservative management.",
    "Recent labs were notable as attached.",
    "No prior specialist evaluation.",
    "Patient reports the symptoms interfere with work and sleep.",
    "Family history is significant for similar problems.",
    "Exam today was otherwise unremarkable.",
    "Tried two medications without adequate response.",
    "Denies fever, weight loss or night sweats.",
)


def summary(rng: random.Random, reason: str, sex: str) -> str:
    pron = {"F": "She", "M": "He"}.get(sex, "They")
    onset = rng.choice(ONSET).format(n=rng.randint(2, 11), mon=rng.choice(MONTHS))
    parts = [f"{pron} has had {reason} {onset}.", *rng.sample(FINDINGS, rng.randint(1, 3))]
    return " ".join(parts)


def medications(rng: random.Random) -> list[str]:
    return rng.sample(MEDS, rng.choice((0, 1, 2, 2, 3, 3, 4, 5)))


def allergies(rng: random.Random) -> list[str]:
    return rng.sample(ALLERGIES, rng.choice((0, 0, 0, 1, 1, 2)))


# (test, unit, low, high) for a basic metabolic panel and CBC
LABS = (
    ("Sodium", "mmol/L", 136, 145),
    ("Potassium", "mmol/L", 3.5, 5.1),
    ("Chloride", "mmol/L", 98, 107),
    ("CO2", "mmol/L", 22, 29),
    ("BUN", "mg/dL", 7, 20),
    ("Creatinine", "mg/dL", 0.6, 1.2),
    ("Glucose", "mg/dL", 70, 99),
    ("Calcium", "mg/dL", 8.6, 10.3),
    ("WBC", "K/uL", 4.0, 11.0),
    ("Hemoglobin", "g/dL", 12.0, 17.5),
    ("Hematocrit", "%", 36, 50),
    ("Platelets", "K/uL", 150, 400),
    ("ALT", "U/L", 7, 56),
    ("AST", "U/L", 10, 40),
    ("TSH", "mIU/L", 0.4, 4.0),
    ("HbA1c", "%", 4.0, 5.6),
)


def lab_rows(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """(test, result, flag, reference range, unit) rows; a few results fall outside the range."""
    rows = []
    for name, unit, lo, hi in rng.sample(LABS, rng.randint(8, 14)):
        span = hi - lo
        val = rng.uniform(lo - span * 0.3, hi + span * 0.3) if rng.random() < 0.25 else rng.uniform(lo, hi)
        digits = 0 if hi >= 100 else 1
        flag = "H" if val > hi else "L" if val < lo else ""
        rows.append((name, f"{val:.{digits}f}", flag, f"{lo}-{hi}", unit))
    return rows


# (exam, findings, impression, specialties that would send it along)
IMAGING: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "XR KNEE 3 VIEWS RIGHT",
        "Moderate medial joint space narrowing with marginal osteophytes. No fracture.",
        "Moderate degenerative change of the right knee.",
        ("Orthopedics", "Physical Therapy", "Rheumatology"),
    ),
    (
        "CT ABDOMEN PELVIS W CONTRAST",
        "Liver is mildly hypoattenuating, consistent with steatosis. No mass.",
        "Hepatic steatosis. No acute abdominal process.",
        ("Gastroenterology", "Urology", "Nephrology"),
    ),
    (
        "MRI LUMBAR SPINE WO CONTRAST",
        "L4-L5 disc protrusion contacting the traversing L5 nerve root.",
        "L4-L5 disc protrusion with likely L5 radiculopathy correlate.",
        ("Orthopedics", "Neurology", "Physical Therapy"),
    ),
    (
        "US THYROID",
        "Right lobe 1.4 cm solid isoechoic nodule without microcalcifications.",
        "TI-RADS 3 nodule, right lobe. Follow-up ultrasound suggested.",
        ("Endocrinology", "Otolaryngology"),
    ),
    (
        "CHEST 2 VIEWS",
        "Lungs are clear. Heart size is normal. No effusion.",
        "No acute cardiopulmonary process.",
        ("Pulmonology", "Cardiology"),
    ),
    (
        "ECHOCARDIOGRAM TTE",
        "LVEF estimated 50-55 percent. Mild left atrial enlargement.",
        "Preserved systolic function; mild LA enlargement.",
        ("Cardiology",),
    ),
    (
        "CT HEAD WO CONTRAST",
        "No acute intracranial hemorrhage, mass effect or territorial infarct.",
        "No acute intracranial abnormality.",
        ("Neurology", "Behavioral Health", "Otolaryngology"),
    ),
)
