"""Payers, and specialties with their real ICD-10-CM codes (descriptions from `simple_icd_10_cm`), reasons and CPT codes."""

from __future__ import annotations

from functools import cache

# (payer, payer id, plans, member id prefix, has group)
PAYERS = (
    (
        "Aetna",
        "60054",
        ("Aetna Choice POS II", "Aetna Open Access HMO", "Aetna Medicare Advantage PPO"),
        "XW",
        True,
    ),
    (
        "UnitedHealthcare",
        "87726",
        ("UHC Choice Plus", "UHC Navigate HMO", "AARP Medicare Advantage"),
        "ZU",
        True,
    ),
    ("Cigna", "62308", ("Cigna Open Access Plus", "Cigna LocalPlus", "Cigna Connect"), "XC", True),
    ("Humana", "61101", ("Humana Gold Plus HMO", "Humana Choice PPO"), "ZH", False),
    (
        "Blue Cross Blue Shield",
        "00621",
        ("Blue Choice PPO", "BlueEssentials HMO", "Blue Advantage"),
        "XBZ",
        True,
    ),
    ("Medicare", "00430", ("Medicare Part B", "Original Medicare"), "Z", False),
    ("Medicaid", "77037", ("State Medicaid", "Medicaid Managed Care"), "ZM", False),
    ("Molina Healthcare", "20149", ("Molina Marketplace", "Molina Medicaid"), "XMO", False),
    ("Lakeshore Health Plan", "SX101", ("Lakeshore Gold", "Lakeshore Silver"), "XLK", True),
    ("Prairie Mutual Insurance", "SX202", ("Prairie PPO 500", "Prairie HSA 2500"), "ZPM", True),
)

# specialty -> (ICD-10-CM codes, reasons, CPT (code, description) pairs)
SPECIALTIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "Cardiology": (
        ("I48.91", "R07.9", "I10", "R00.2", "R55", "I25.10", "R94.31", "I50.9", "R06.02"),
        (
            "evaluation of new atrial fibrillation",
            "chest pain on exertion",
            "palpitations and near syncope",
            "abnormal ECG, rule out ischemia",
            "uncontrolled hypertension",
        ),
        (
            ("93306", "Echocardiogram complete"),
            ("93000", "Electrocardiogram"),
            ("93224", "Holter monitor 48 hr"),
        ),
    ),
    "Gastroenterology": (
        (
            "K21.9",
            "R10.9",
            "R10.13",
            "K58.9",
            "K57.30",
            "R19.5",
            "K92.1",
            "Z12.11",
            "K76.0",
            "R74.01",
            "D50.9",
        ),
        (
            "screening colonoscopy",
            "chronic epigastric pain",
            "iron deficiency anemia workup",
            "elevated liver enzymes",
            "refractory reflux symptoms",
        ),
        (("45378", "Colonoscopy diagnostic"), ("43239", "EGD with biopsy")),
    ),
    "Orthopedics": (
        ("M17.11", "M17.12", "M25.561", "M25.511", "M75.101", "M54.16", "M51.16", "M81.0"),
        (
            "knee pain despite conservative therapy",
            "shoulder pain, suspected rotator cuff tear",
            "evaluation for joint replacement",
            "lumbar radiculopathy",
        ),
        (("20610", "Arthrocentesis major joint"), ("73721", "MRI lower extremity joint")),
    ),
    "Neurology": (
        ("G43.909", "R51.9", "G56.01", "R42", "G40.909", "G20.A1", "G30.9", "R41.3"),
        (
            "new onset seizures",
            "chronic migraine not controlled",
            "memory loss evaluation",
            "tremor, rule out Parkinson disease",
            "right hand numbness, EMG requested",
        ),
        (("95886", "EMG with nerve conduction"), ("95816", "EEG awake and drowsy")),
    ),
    "Endocrinology": (
        ("E11.65", "E11.9", "E03.9", "E05.90", "E66.9", "E78.5"),
        (
            "poorly controlled type 2 diabetes",
            "hyperthyroidism management",
            "thyroid nodule evaluation",
            "insulin pump evaluation",
        ),
        (("76536", "Ultrasound soft tissue head and neck"),),
    ),
    "Pulmonology": (
        ("J45.909", "J44.9", "G47.33", "R06.02"),
        ("shortness of breath, PFTs requested", "suspected obstructive sleep apnea", "COPD exacerbations"),
        (("94010", "Spirometry"), ("95810", "Polysomnography")),
    ),
    "Nephrology": (
        ("N18.30", "N18.4", "I10", "R60.0"),
        ("CKD stage 3 progression", "declining GFR", "resistant hypertension with CKD"),
        (),
    ),
    "Urology": (
        ("N40.1", "R31.9", "N20.0", "R35.0", "N39.0"),
        ("microscopic hematuria", "BPH with urinary frequency", "kidney stone, flank pain"),
        (("52000", "Cystoscopy"),),
    ),
    "Dermatology": (
        ("L40.0", "L70.0", "D48.5", "L82.1"),
        (
            "changing mole, rule out melanoma",
            "psoriasis not responding to topicals",
            "severe acne, consider isotretinoin",
        ),
        (("11102", "Tangential biopsy of skin"),),
    ),
    "Rheumatology": (
        ("M06.9", "M79.7", "M32.9", "M10.9"),
        ("positive ANA with joint pain", "rheumatoid arthritis management", "recurrent gout flares"),
        (),
    ),
    "Behavioral Health": (
        ("F41.1", "F32.A", "F90.0"),
        ("anxiety and depression, counseling", "ADHD evaluation", "medication management"),
        (("90791", "Psychiatric diagnostic evaluation"),),
    ),
    "Otolaryngology": (
        ("H81.10", "J32.9", "H91.90"),
        ("chronic sinusitis", "hearing loss evaluation", "recurrent vertigo"),
        (("92557", "Comprehensive audiometry"),),
    ),
    "Ophthalmology": (
        ("H25.9", "H40.10X0", "E11.9"),
        ("cataract evaluation", "glaucoma suspect", "diabetic eye exam"),
        (),
    ),
    "Physical Therapy": (
        ("M54.50", "M25.561", "M25.511", "M54.16"),
        ("low back pain, evaluate and treat", "post-op knee rehabilitation", "shoulder PT"),
        (("97161", "PT evaluation low complexity"),),
    ),
}


@cache
def icd_description(code: str) -> str:
    """The official description; validates the code is a billable (leaf) ICD-10-CM code."""
    import simple_icd_10_cm as icd  # slow import (~3 s): only when a corpus is generated

    if not (icd.is_valid_item(code) and icd.is_leaf(code)):
        raise ValueError(f"curated ICD-10-CM code {code} is not billable in simple_icd_10_cm")
    return str(icd.get_description(code))
