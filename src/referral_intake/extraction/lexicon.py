"""Label lexicon: the words forms use for each contract field (synonyms, abbreviations) and section headers.

A label maps to a generic `key` (name, dob, npi...) and, when the words say whose it is ("Patient DOB",
"Referring NPI"), a `role`. Sections decide the role of role-less labels ("Name:" under "Referred To").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Sections about someone or something else (an emergency contact's phone is not the patient's).
OTHER = "other"

# Roles: whose value a label carries. "referral" holds the referral's own facts (date, reason, codes).
PATIENT, INSURANCE, INSURANCE2, REFERRING, REFERRED_TO, REFERRAL = (
    "patient",
    "insurance",
    "insurance2",
    "referring",
    "referred_to",
    "referral",
)

# Generic field keys and their label phrases (already normalized: lower case, '#' -> 'number').
KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "name last first", "name last first mi", "name first last", "member name",
             "legal name", "name last first middle", "full legal name", "name last first m", "name last first mi",
             "last first", "last first mi", "last name first name", "name first mi last", "name last"),
    "first_name": ("first name", "first", "given name", "fname", "first nm"),
    "last_name": ("last name", "last", "surname", "family name", "lname", "last nm"),
    "middle_name": ("middle name", "middle", "mi", "middle initial", "m i", "middle name initial"),
    "suffix": ("suffix", "name suffix"),
    "dob": ("dob", "date of birth", "birth date", "birthdate", "born", "birthday", "d o b", "dob age",
            "date of birth age", "birth dt", "dob dt", "dt of birth"),
    "sex": ("sex", "gender", "sex at birth", "legal sex", "administrative sex", "sex gender", "gender sex",
            # Paper forms print the choices as the label ("M / F: F", "Sex (M/F)").
            "m f", "f m", "sex m f", "gender m f", "sex f m", "birth sex", "sex assigned at birth",
            "biological sex"),
    "address": ("address", "street address", "street", "address line 1", "addr", "mailing address",
                "home address", "address 1", "residence", "street address line 1", "address line1",
                "residential address", "current address", "permanent address", "mailing address line 1",
                "home street address", "address street"),
    "address2": ("address line 2", "address 2", "apt", "suite", "apt suite", "unit", "apt unit", "apt ste",
                 "unit apt", "suite apt", "apt suite unit", "apartment", "apt number", "unit number"),
    "city": ("city", "town"),
    "state": ("state", "st"),
    "zip": ("zip", "zip code", "postal code", "zipcode", "postcode", "zip postal code"),
    "csz": ("city state zip", "city state zip code", "city st zip", "city state postal code"),
    "phone": (
              # provider blocks and order printouts: "P: (208) 555-0154", "Office Tel", "Callback", "Direct"
              "callback", "call back", "office tel", "office ph", "office telephone", "clinic phone",
              "clinic tel", "main phone", "main line", "direct line", "phone no", "ph number", "voice",
              "office number", "scheduling phone", "appointment line",
              "phone", "phone number", "telephone", "tel", "ph", "home phone", "cell", "cell phone", "mobile",
              "mobile phone", "contact number", "phone number home", "daytime phone", "contact phone",
              "primary phone", "office phone", "callback number", "call back number", "work phone",
              "home ph", "cell ph", "work ph", "phone home", "phone cell", "tel number", "telephone number",
              "cell number", "mobile number", "home phone number", "cell phone number", "home tel", "preferred phone",
              "best phone", "best contact number", "phone numbers", "primary contact number", "home cell",
              "phone h", "evening phone", "home telephone", "mobile tel"),
    "fax": ("fx", "fax line", "efax", "e fax", "return fax number", "clinic fax", "office fax number",
            "fax", "fax number", "facsimile", "fax no", "secure fax", "office fax", "return fax"),
    # One label for a provider's two numbers: "Phone / Fax: 208/555-0122 / 208/555-0137".
    "phone_fax": ("phone fax", "tel fax", "ph fax", "telephone fax", "phone and fax", "phone fax number",
                  "phone fax numbers", "tel fax number"),
    "email": ("email", "e mail", "email address", "e mail address", "email id"),
    "mrn": ("mrn", "medical record number", "medical record", "chart number", "chart", "patient id",
            "record number", "mr number", "chart id", "patient number", "mrn number", "emr number", "ehr id",
            "med rec number", "medical rec number", "medical record id", "patient id number", "pt id",
            "hospital number",
            # Printed together with the other name a practice uses for it ("Chart / MRN #", "Account / MRN").
            "chart mrn", "chart mrn number", "mrn chart", "mrn chart number", "account mrn", "acct mrn",
            "mrn account", "account number mrn", "patient id mrn", "mrn patient id", "chart number mrn"),
    "language": ("preferred language", "language", "primary language", "spoken language", "language spoken",
                 "preferred spoken language", "language preference", "interpreter language", "lang",
                 # Pediatric forms ask for the family's language; the child is seen in it.
                 "family language", "home language", "language spoken at home", "language spoken in home",
                 "primary language spoken", "preferred language for care", "language needs"),
    "npi": ("npi", "npi number", "national provider identifier", "npi id", "individual npi"),
    "credentials": ("credentials", "credential", "degree", "title", "cred", "creds"),
    "organization": ("practice", "clinic", "organization", "facility", "practice name", "clinic name",
                     "group practice", "office", "hospital", "location", "facility name", "office name"),
    "specialty": ("discipline", "specialty type", "specialty needed", "service line", "referral specialty",
                  "consult service", "specialty clinic", "type of specialist", "specialist type", "clinical service",
                  "referred specialty", "consult type", "specialty referred to", "type of consult",
                  "specialty", "speciality", "department", "dept", "service", "specialty requested",
                  "requested specialty", "specialty service", "taxonomy"),
    "payer": ("insurance", "insurance name", "payer", "payor", "carrier", "insurance company", "health plan",
              "insurance carrier", "insurer", "payer name", "payor name", "insurance plan", "plan name payer",
              "insurance provider", "insurance company name", "health plan name", "carrier name",
              "insurance carrier name", "primary carrier", "primary payer", "primary payor", "managed care plan",
              "managed care organization", "mco", "coverage", "insurance name", "payer source", "payor source",
              "medicaid plan", "insurer name", "name of insurance", "name of insurance company"),
    "payer_id": ("payer id", "payor id", "payer number", "eligibility payer id", "payer id number",
                 "payor id number", "edi payer id", "electronic payer id", "payer code", "carrier code"),
    "plan": ("plan", "plan name", "plan type", "product", "coverage type", "benefit plan", "product name",
             "plan product", "plan description", "plan network", "insurance plan name",
             "line of business", "benefit package", "insurance plan name or program name", "program name",
             "plan name or program name"),
    "member_id": ("member id", "member number", "subscriber id", "policy number", "policy", "id number",
                  "insurance id", "policy id", "member", "id", "identification number", "member id number",
                  "subscriber number", "cert number", "policy no", "ins id", "medicaid id", "medicare id",
                  "mbi", "medicare number", "medicaid number", "policy member id", "member policy id",
                  # Cards and claim forms name the member's id after the insured ("Insured's ID Number"),
                  # Medicaid programs after the recipient, beneficiary or client ("Recipient ID", "CIN").
                  "insured id", "insured id number", "insured s id", "insured s id number", "subscriber insured id",
                  "insured member id", "subscriber member id", "recipient id", "recipient id number",
                  "recipient number", "beneficiary id", "beneficiary number", "enrollee id", "medicaid recipient id",
                  "medicaid client id", "cin", "hicn", "medicare beneficiary identifier", "health insurance claim number",
                  "medicare beneficiary id", "plan id", "plan id number", "id card number", "card number",
                  "certificate number", "subscriber id number", "insurance id number", "ins id number", "member no",
                  "contract number", "member identification number", "insurance member id",
                  # Captions that offer both names ("Member / subscriber ID"); TRICARE's DoD benefits number.
                  "member subscriber id", "member subscriber id number", "subscriber member id number",
                  "member policy number", "policy member number", "dod benefits number", "dod benefit number",
                  "dbn", "sponsor id", "sponsor id number", "icn", "va icn"),
    "group": ("group", "group number", "group id", "grp", "grp number", "group no", "employer group",
              "group id number", "grp id", "group plan number", "group policy number", "employer group number",
              "group code", "insured s group number", "group or feca number", "insured s policy group or feca number",
              "policy group or feca number", "insured s policy group number"),
    "subscriber": ("subscriber", "subscriber name", "policy holder", "policyholder", "insured", "insured name",
                   "guarantor", "policy holder name", "policyholder name", "cardholder", "insured person",
                   "insured party", "subscriber insured", "insured subscriber", "subscriber insured name",
                   "name of insured", "insured s name", "primary insured", "primary subscriber", "cardholder name",
                   "member subscriber", "subscriber member", "policy owner", "subscriber name last first",
                   "insured name last first", "name of subscriber", "policyholder subscriber",
                   # "Policyholder (insured) name"; TRICARE calls the subscriber the sponsor.
                   "policyholder insured name", "policy holder insured name", "insured policyholder name",
                   "subscriber policyholder name", "policyholder insured", "sponsor", "sponsor name",
                   "name of sponsor", "policyholder s name", "subscriber s name"),
    "relationship": ("relationship", "relationship to subscriber", "relationship to insured",
                     "patient relationship", "relation", "relationship to patient", "rel to subscriber",
                     "relationship to policy holder", "patient relationship to insured",
                     "pt relationship to subscriber", "pt relationship to insured", "patient relationship to subscriber",
                     "relationship to member", "pt relationship", "rel to pt", "rel to patient", "rel to subscriber",
                     "rel to insured", "relationship to pt", "rel", "insured relationship", "subscriber relationship",
                     "relation to insured", "relation to subscriber", "relationship of patient to insured",
                     "relationship to subscriber insured", "patient relationship to subscriber insured",
                     "relationship to cardholder", "relationship to policyholder", "pt rel to subscriber",
                     "pt rel to insured", "relation to patient", "relationship to member",
                     "rel to policyholder", "relationship to sponsor", "relation to policyholder",
                     # "Patient is insured's: [x] Self [ ] Spouse" (the claim form's box 6 wording).
                     "patient is insured s", "patient is the insured s", "patient is subscriber s",
                     "patient is the subscriber s", "patient is policyholder s", "patient is the policyholder s"),
    "subscriber_dob": ("subscriber dob", "subscriber date of birth", "insured dob", "policy holder dob",
                       "insured date of birth", "policyholder dob", "insured s dob", "insured s date of birth",
                       "subscriber birth date", "subscriber birthdate", "insured birth date", "insured s birth date",
                       "policyholder date of birth", "policy holder date of birth", "subscriber insured dob",
                       "guarantor dob", "guarantor date of birth", "cardholder dob", "sub dob",
                       "sub date of birth", "sub birth date", "sponsor dob", "sponsor date of birth",
                       "policyholder birth date", "subscriber insured dob", "insured subscriber dob"),
    "date": ("ordered", "ordered on", "order placed", "date requested", "requested on", "date of order",
             "referral created", "created on", "date created", "date issued", "referral order date", "entered on",
             "date", "referral date", "date of referral", "date referred", "todays date", "request date",
             "date sent", "date of request", "order date", "date ordered", "date written", "sent",
             "date signed", "referral sent"),
    "urgency": ("timeframe", "time frame", "requested timeframe", "scheduling priority",
                "appointment priority", "acuity", "how soon", "schedule within", "appointment urgency",
                "review type", "request type", "type of review", "review priority", "urgency of referral",
                "order priority", "urgency priority", "priority urgency", "appointment needed",
                "appointment requested", "requested appointment", "appointment timeframe",
                "urgency", "priority", "urgency level", "referral priority", "priority level", "referral type"),
    "reason": ("purpose of referral", "reason for the referral", "indication for referral",
               "referral indication", "reason for order", "reason for exam", "reason for appointment", "referred for",
               *(f"why is {who} being {verb}" for who in ("the patient", "patient", "the client", "client", "pt",
                                                         "the member", "the child") for verb in ("referred", "sent", "seen")),
               "why referred", "why is this referral needed", "reason for referral consult",
               "reason", "reason for referral", "reason for consult", "referral reason", "reason for visit",
               "chief complaint", "reason for consultation", "consult reason", "presenting problem",
               "reason for request", "referral for", "request", "question", "consult question",
               "clinical question", "services needed", "evaluate and treat for",
               # "Reason for referral / question for the consultant", "Concern / question for specialist".
               *(f"{a} {b}" for a in ("question for", "questions for", "concern question for",
                                      "reason for referral question for", "clinical question for")
                 for b in ("the consultant", "consultant", "the specialist", "specialist")),
               "question for consultant", "concern question",
               # Workers' compensation and auto-injury referrals ask for treatment.
               "treatment requested", "requested treatment", "treatment request",
               # A visit note's chief complaint ("CC: new atrial fibrillation"); a letter's "cc:" copy list
               # names people, which the reason's own check turns away.
               "cc"),
    "diagnosis": ("diagnosis", "diagnoses", "dx", "icd 10", "icd10", "icd", "diagnosis code", "dx code",
                  "icd 10 code", "icd 10 cm", "diagnosis codes", "icd codes", "icd 10 codes", "dx codes",
                  "primary diagnosis", "secondary diagnosis", "diagnosis icd 10", "diagnosis s",
                  "working diagnosis", "problem", "indication", "relevant diagnoses", "pertinent diagnoses",
                  "problem list", "active problems", "impression", "diagnoses icd 10", "dx icd 10", "icd 10 dx"),
    "procedure": ("hcpcs code", "cpt hcpcs code", "cpt hcpcs codes", "procedure cpt", "procedures cpt",
                  "service code", "order code", "billing code", "test requested", "tests requested",
                  "studies requested", "orders", "cpt code s", "procedure s",
                  "procedure", "cpt", "cpt code", "procedure code", "services requested", "service requested",
                  "hcpcs", "cpt codes", "procedures", "procedure codes", "cpt hcpcs", "requested procedure",
                  "requested service", "requested services", "order", "procedure requested", "cpt s"),
    "auth": ("auth cert number", "auth cert", "authorization certification number", "precert number",
             "pre certification number", "auth reference", "authorization reference", "pa reference",
             "prior auth reference", "referral auth number", "auth tracking number", "approval code",
             "authorization", "auth", "authorization number", "auth number", "prior auth", "prior authorization",
             "pa number", "auth id", "authorization id", "prior auth number", "prior authorization number",
             "authorization code", "auth code", "referral authorization", "precert", "pre cert number",
             "pre authorization", "preauthorization number", "approval number", "auth ref",
             "treatment authorization number", "treatment authorization"),
    "summary": ("clinical summary", "clinical notes", "history", "hpi", "history of present illness",
                "clinical information", "notes", "comments", "assessment", "clinical history",
                "pertinent history", "summary", "clinical notes summary", "brief history", "clinical details",
                "additional information", "clinical findings", "relevant history",
                "pertinent clinical information", "relevant clinical information", "pertinent clinical history",
                "supporting clinical information", "clinical information supporting request"),
    "description": ("description", "desc", "diagnosis description", "procedure description", "code description",
                    "service description", "descriptor"),
    "code": ("code", "codes", "code s"),  # a coded column: CPT or ICD-10 by the code's own shape
    # Columns of order and medication tables that are no field here; knowing them lets a row of column heads
    # ("Order | Code | Priority | Qty | Status") read as a table header.
    "column": ("qty", "quantity", "units", "status", "modifier", "modifiers", "frequency", "dose", "route",
               "sig", "refills", "dx pointer", "pointer", "place of service", "pos", "charge", "charges", "fee",
               "order status", "result", "results", "reference range", "ref range", "flag", "mod", "days",
               "number of visits", "visits", "visits requested", "count"),
    "medications": ("medications", "current medications", "meds", "medication list", "current meds",
                    "active medications", "medication", "medicines", "current medicines", "home medications",
                    "outpatient medications", "current medication list", "active medication list",
                    "current outpatient medications", "medications current"),
    "allergies": ("allergies", "allergy", "drug allergies", "known allergies", "allergies reactions",
                  "medication allergies", "nkda"),
}  # fmt: skip

# Role prefixes that can stand before a key phrase ("Patient DOB", "Referring Provider NPI").
ROLE_PREFIXES: dict[str, tuple[str, ...]] = {
    PATIENT: ("patient", "pt", "patients", "patient s", "client", "member s", "child", "child s", "childs",
              "client s", "minor", "minor s"),
    INSURANCE: ("insurance", "primary insurance", "ins", "primary", "insurance 1", "primary ins"),
    INSURANCE2: ("secondary insurance", "secondary", "insurance 2", "secondary ins"),
    REFERRING: ("referring", "referring provider", "referring physician", "referring doctor", "referring dr",
                "sender", "sending", "sending office", "sending practice", "ordering clinician", "requesting clinician",
                "ordering practitioner", "referring practitioner", "referring prescriber", "ordering prescriber",
                "referring clinician", "ordering", "ordering provider", "ordering physician", "requesting",
                "requesting provider", "requesting physician", "sending provider", "pcp", "primary care",
                "primary care physician", "primary care provider", "referred by", "referring md", "from",
                "referring practice", "referring office", "referring clinic", "referring facility",
                "ref provider", "ref"),
    REFERRED_TO: ("referred to", "refer to", "receiving", "receiving provider", "consultant", "consulting",
                  "send to", "sent to", "refer to provider", "refer to physician", "referred to specialist",
                  "receiving clinician", "consulting clinician",
                  "specialist", "to", "referral to", "referring to", "consulting provider", "receiving physician",
                  "referred to provider", "referred to physician", "rendering provider", "servicing provider",
                  "receiving practice", "consultant provider", "referred to practice", "referred to clinic",
                  "servicing", "rendering", "treating", "specialist s", "accepting", "accepting provider"),
    REFERRAL: ("referral",),
}  # fmt: skip

# Labels that name a person by role alone ("Referring Provider: Dr. X", "Patient: Jane Doe").
ROLE_NAME_LABELS: dict[str, tuple[str, ...]] = {
    PATIENT: ("patient", "patient name", "pt", "pt name", "name of patient", "patient full name", "client",
              "re", "regarding", "patient legal name", "patient s name", "patients name", "client name",
              "name of client", "beneficiary name", "enrollee name", "resident name", "patient name last first",
              "patient name last first mi", "patient name last first middle", "pt full name", "patient nm",
              "name of child", "name of minor", "member full name", "enrollee full name", "injured employee",
              "injured worker", "employee name", "claimant", "claimant name", "injured employee name"),
    REFERRING: ("referring provider", "referring physician", "referring doctor", "referred by", "referring",
                "ordering clinician", "requesting clinician", "referring practitioner", "ordering practitioner",
                "ordered by", "requested by", "sender", "sending physician", "sending clinician", "referral from",
                "referred from", "authorizing provider", "authorizing physician", "from provider", "from physician",
                "referring provider signature", "ordering provider signature", "provider signature",
                "physician signature", "signing provider", "signed by", "referring clinician name",
                "ordering provider name", "requesting provider name", "referring prescriber",
                "ordering provider", "ordering physician", "requesting provider", "requesting physician",
                "from", "referring clinician", "pcp", "primary care physician", "primary care provider",
                "referring md", "provider", "physician", "signed", "electronically signed by", "signature",
                "referring provider name", "referring physician name", "sending provider", "attending"),
    REFERRED_TO: ("referred to", "refer to", "consultant", "specialist", "to", "receiving provider",
                  "send to", "sent to", "refer to provider", "refer to physician", "refer to clinician",
                  "referred to provider name", "to provider", "to physician", "consult with", "appointment with",
                  "consulting clinician", "receiving clinician", "requested specialist", "preferred provider",
                  "preferred specialist", "referral to provider", "receiving doctor", "specialist requested",
                  "referral to", "referring to", "consulting provider", "consulting physician", "attention", "attn",
                  "referred to provider", "referred to physician", "receiving physician", "rendering provider",
                  "servicing provider", "requested provider", "provider requested", "specialist name"),
    INSURANCE: ("insurance", "primary insurance", "insurance carrier", "carrier", "payer", "health plan",
                "insurance company", "payor", "primary payer", "insurance name"),
    INSURANCE2: ("secondary insurance", "secondary payer", "secondary carrier", "secondary"),
}  # fmt: skip

# Section headers: a line holding only these words starts a region whose labels belong to that role.
SECTIONS: dict[str, tuple[str, ...]] = {
    PATIENT: ("patient information", "patient", "patient demographics", "patient details", "patient info",
              "demographics", "patient data", "about the patient", "patient identification", "patient section",
              "member information", "patient demographic information", "patient contact information",
              "recipient information", "recipient demographics", "beneficiary information", "enrollee information",
              "member demographics", "member details", "client information", "client demographics",
              "resident information", "patient registration", "registration information", "patient profile",
              "patient identification information", "demographic information", "personal information",
              "patient personal information",
              # Programs and settings name the patient otherwise: a plan's member, Medicare's beneficiary, a
              # pediatric practice's child, a workers' compensation claim's injured employee.
              # (Not "child", "parent", "guardian": they are also values of a relationship field.)
              "member", "enrollee", "beneficiary", "child information",
              "patient child", "child patient", "child s information", "patient member", "member patient",
              "injured employee", "injured worker", "claimant", "employee information", "injured worker information",
              "beneficiary demographics", "member identification", "client details", "individual information"),
    INSURANCE: ("insurance", "insurance information", "primary insurance", "coverage", "payer information",
                "insurance details", "insurance info", "billing information", "insurance coverage",
                "health insurance", "coverage information", "insurance billing", "primary coverage",
                "primary insurance information", "insurance policy information",
                "insurance coverage information", "financial information", "primary payer information",
                "insurance verification", "insurance payer information", "plan information", "coverage details",
                # A work-injury or auto claim's block names the carrier paying for the referral.
                "claim", "claim information", "claim details", "claim insurance information",
                "workers compensation claim", "carrier information"),
    INSURANCE2: ("secondary insurance", "secondary coverage", "secondary insurance information",
                 "secondary payer", "secondary payer information", "secondary insurance coverage"),
    REFERRING: ("referring provider", "referring physician", "referring provider information", "referred by",
                "referring physician information", "ordering provider", "requesting provider", "from",
                "referring practice", "referring office", "referring clinician", "sender", "referring",
                "ordering physician", "referring provider details", "provider information referring",
                "referral source", "pcp information", "primary care provider", "sending provider",
                "sender information", "ordering clinician", "requesting clinician", "ordering provider information",
                "requesting provider information", "referred by information", "from provider",
                "requesting physician", "referring practitioner", "ordering practitioner", "requesting practice",
                "referring physician practice", "referring provider practice"),
    REFERRED_TO: ("referred to", "refer to", "referral to", "consultant", "specialist", "receiving provider",
                  "referred to provider", "consulting provider", "referred to information", "to",
                  "specialist information", "receiving provider information", "consultant information",
                  "referred to physician", "specialty provider", "service provider", "recipient",
                  "referral destination", "destination",
                  "send to", "sent to", "referred to specialist", "specialist requested", "consultant details",
                  "receiving provider details", "refer to provider", "refer to", "referral recipient",
                  # Payers' and programs' words for the provider who will see the patient.
                  "servicing provider", "servicing provider information", "rendering provider",
                  "rendering provider information", "performing provider", "community provider",
                  "community care provider", "accepting provider", "consulting physician", "consultant provider",
                  "referred to provider information", "receiving physician", "consulting provider information"),
    REFERRAL: ("referral information", "referral details", "reason for referral", "clinical information",
               "diagnosis", "diagnoses", "services requested", "clinical", "referral", "referral request",
               "diagnosis codes", "procedures", "requested services", "clinical summary", "clinical notes",
               "medical information", "referral reason", "history", "clinical history", "order details",
               "request details", "authorization", "diagnosis information", "diagnosis procedures",
               "associated diagnoses", "associated diagnosis", "order diagnoses", "referral diagnoses",
               "visit diagnoses", "encounter diagnoses", "order information", "order detail", "referral order",
               "procedure information", "requested procedures", "orders"),
}  # fmt: skip

SECTIONS[OTHER] = (
    "emergency contact", "emergency contacts", "next of kin", "guarantor", "guarantor information",
    "responsible party", "pharmacy", "preferred pharmacy", "encounter", "vitals", "vital signs", "employer",
    "emergency contact information", "contact person", "caregiver", "legal guardian", "parent guardian",
    "family history", "social history", "review of systems", "physical exam", "physical examination",
    "objective",  # a visit note's exam findings: the lists above it end there
    # Whoever speaks or pays for the patient: their names and numbers are no patient fields. (Only whole
    # headings: a bare "Parent / Guardian" is as often one caption of a row, whose region would swallow the
    # captions under it.)
    "parent guardian information", "guardian information", "legal guardian information", "parent information",
    "responsible party information", "employer information",
)  # fmt: skip

# Keys a role can own; a key outside its role's set is re-homed by `default_role`.
ROLE_KEYS: dict[str, frozenset[str]] = {
    PATIENT: frozenset({"name", "first_name", "last_name", "middle_name", "suffix", "dob", "sex", "address",
                        "address2", "city", "state", "zip", "csz", "phone", "email", "mrn", "language"}),
    INSURANCE: frozenset({"payer", "payer_id", "plan", "member_id", "group", "subscriber", "relationship",
                          "subscriber_dob", "name"}),
    REFERRING: frozenset({"name", "first_name", "last_name", "credentials", "npi", "organization", "specialty",
                          "phone", "fax", "phone_fax", "address", "address2", "city", "state", "zip", "csz"}),
    REFERRAL: frozenset({"date", "urgency", "reason", "diagnosis", "procedure", "auth", "summary", "code",
                         "medications", "allergies"}),
}  # fmt: skip
ROLE_KEYS[INSURANCE2] = ROLE_KEYS[INSURANCE]
ROLE_KEYS[REFERRED_TO] = ROLE_KEYS[REFERRING]

# Whose a role-less key is when no section says otherwise (a DOB is a patient's; an NPI is unclear).
DEFAULT_ROLE: dict[str, str] = {
    "dob": PATIENT, "sex": PATIENT, "mrn": PATIENT, "language": PATIENT, "email": PATIENT,
    "payer": INSURANCE, "payer_id": INSURANCE, "plan": INSURANCE, "member_id": INSURANCE, "group": INSURANCE,
    "subscriber": INSURANCE, "relationship": INSURANCE, "subscriber_dob": INSURANCE,
    "date": REFERRAL, "urgency": REFERRAL, "code": REFERRAL, "reason": REFERRAL, "diagnosis": REFERRAL, "procedure": REFERRAL,
    "auth": REFERRAL, "summary": REFERRAL, "medications": REFERRAL, "allergies": REFERRAL,
    "credentials": REFERRING, "specialty": REFERRED_TO,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Label:
    key: str
    role: str | None  # stated by the label's own words; None = from the section or the default
    strength: float  # how specific the words are (1.0 "Patient DOB", 0.6 a lone "ID")
    words: int
    # "Clinic phone", "Provider address": some provider's field (whose, the section says), never the patient's.
    provider: bool = False


def norm_label(text: str) -> str:
    """Lower case, '#'/'no.' -> 'number', punctuation dropped: "Pt. D.O.B.:" -> "pt dob"."""
    t = text.lower().replace("’", "'")
    t = _FORMAT_HINT.sub(" ", t)  # "DOB (mm/dd/yyyy)", "Phone (xxx-xxx-xxxx)": the label is the words before
    # Claim and state forms number their boxes ("1a. INSURED'S I.D. NUMBER", "3) Date of Birth") and explain
    # them in parentheses ("PATIENT'S NAME (Last Name, First Name, Middle Initial)", "Address (No., Street)").
    t = _ITEM_NUMBER.sub("", t)
    if _FILL_HINT.search(t):
        full = _norm_words(t)
        return full if full in label_table() else _norm_words(_FILL_HINT.sub(" ", t))
    return _norm_words(t)


def _norm_words(t: str) -> str:
    t = re.sub(r"\bno\.(?=\s|$)", " number", t)
    t = t.replace("#", " number ")
    # D.O.B. -> DOB, also when OCR lost the last dot ("D.O.B").
    t = re.sub(r"\b(?:[a-z]\.)+[a-z]\b\.?", lambda m: m.group(0).replace(".", ""), t)
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    # OCR reads I as 1 and O as 0 inside words ("1CD-10", "D0B"); abbreviations of "number" are unified.
    t = " ".join(_ABBREV.get(tok, tok) for tok in (_ocr_letters(x) for x in t.split()))
    return re.sub(r"\bnumber number\b", "number", t)


_FORMAT_HINT = re.compile(
    r"\(?\b(?:mm|dd|yy|yyyy|m|d)(?:\s*[/\-.]\s*(?:mm|dd|yy|yyyy|m|d)){2}\b\)?|\(\s*x{3}\W+x{3}\W+x{4}\s*\)"
)
_ITEM_NUMBER = re.compile(r"^\s*(?:item\s+|box\s+|field\s+)?\(?\d{1,2}[a-z]?(?:[.)]|\s*-)\s+(?=[a-z])")
_FILL_HINT = re.compile(
    r"\((?=[^()]*\b(?:last|first|middle|mi|initial|street|include|area code|optional|required|if applicable|"
    r"if|m/f|f/m|check one|circle one|print|name|credentials?|degree|e\.?g|"
    # "Authorization number (plan use)", "(office use only)", "Policyholder (insured) name"
    r"use|use only|insured|subscriber|policyholder|tick one|check all that apply)\b)[^()]*\)"
)
_ABBREV = {"no": "number", "nbr": "number", "num": "number", "nr": "number"}
_OCR_DIGITS = str.maketrans({"1": "i", "0": "o", "5": "s", "8": "b"})


def _ocr_letters(tok: str) -> str:
    letters = sum(c.isalpha() for c in tok)
    if letters and letters >= len(tok) - letters:
        return tok.translate(_OCR_DIGITS)
    return tok


_WEAK = frozenset({"id", "member", "first", "last", "middle", "st", "born", "order", "problem", "indication",
                   "request", "question", "sent", "title", "office", "location", "service", "to", "from",
                   "notes", "comments", "history", "signed", "signature", "provider", "physician", "unit",
                   "product", "town", "relation", "attending", "re", "regarding", "chart", "policy", "plan", "cc",
                   "secondary", "primary", "assessment", "summary", "medication", "degree", "department",
                   "dept", "residence", "client", "pt", "insurance", "referring", "fx", "ordered", "voice"})  # fmt: skip


@lru_cache(maxsize=1)
def label_table() -> dict[str, Label]:
    """Every normalized label phrase -> Label, built from keys x role prefixes plus whole-role name labels."""
    table: dict[str, Label] = {}

    def add(phrase: str, key: str, role: str | None, strength: float, provider: bool = False) -> None:
        old = table.get(phrase)
        if old is None or strength > old.strength:
            table[phrase] = Label(key, role, strength, len(phrase.split()), provider)

    for key, phrases in KEYS.items():
        for p in phrases:
            add(p, key, None, 0.55 if p in _WEAK else 0.8)
            for role, prefixes in ROLE_PREFIXES.items():
                if key not in ROLE_KEYS.get(role, frozenset()) and not (role == REFERRAL and key in {"date"}):
                    continue
                for pre in prefixes:
                    strength = 0.7 if pre in _WEAK or p in _WEAK else 1.0
                    add(f"{pre} {p}", key, role if role != REFERRAL else REFERRAL, strength)
    for role, phrases in ROLE_NAME_LABELS.items():
        key = "payer" if role in (INSURANCE, INSURANCE2) else "name"
        for p in phrases:
            # A bare "Payer:" is primary only by default: under "Secondary Insurance" it is the second payer.
            owner = None if role == INSURANCE and not p.startswith("primary") else role
            add(p, key, owner, 0.6 if p in _WEAK else 0.9)
    # "Provider NPI", "Physician Phone", "Office Fax": a provider's, but whose depends on the section.
    for key in ("npi", "phone", "fax", "phone_fax", "address", "name", "organization", "specialty",
                "credentials", "csz"):  # fmt: skip
        for p in KEYS[key]:
            for pre in (
                "provider",
                "clinician",
                "practitioner",
                "physician",
                "doctor",
                "dr",
                "office",
                "clinic",
                "practice",
                "md",
                "prescriber",
            ):
                add(f"{pre} {p}", key, None, 0.8, provider=True)
    # The role after the field, often in parentheses: "NPI (consultant)", "Phone (referring)".
    for role, words in ((REFERRING, ("referring", "ordering", "requesting", "referring provider", "pcp")),
                        (REFERRED_TO, ("consultant", "specialist", "referred to", "receiving", "servicing"))):  # fmt: skip
        for key in ("npi", "phone", "fax"):
            for p in KEYS[key]:
                if p not in _WEAK:
                    for w in words:
                        add(f"{p} {w}", key, role, 0.9)
    # Programs name the patient otherwise: Medicaid's recipient, Medicare's beneficiary, a plan's enrollee or
    # member, a home's resident. Their identity facts (DOB, sex, names) are the patient's; their name, address
    # and phone only where the section agrees ("Recipient" also heads a fax cover's addressee block).
    for pre in ("recipient", "beneficiary", "enrollee", "member", "resident", "recipient s", "member s"):
        for key in ("dob", "sex", "first_name", "last_name", "middle_name", "mrn", "language", "email"):
            for p in KEYS[key]:
                add(f"{pre} {p}", key, PATIENT, 0.9 if p not in _WEAK else 0.7)
        for key in ("name", "address", "address2", "city", "state", "zip", "csz", "phone"):
            for p in KEYS[key]:
                add(f"{pre} {p}", key, None, 0.8 if p not in _WEAK else 0.6)
    # "Recipient Medicaid ID", "Beneficiary's Medicare Number": the program's id for its member.
    for pre in ("recipient", "beneficiary", "enrollee", "recipient s", "beneficiary s", "enrollee s"):
        for p in KEYS["member_id"]:
            if p not in _WEAK:
                add(f"{pre} {p}", "member_id", None, 0.9)
    # Numbered code slots ("ICD-10 code 1", "Diagnosis 2", "CPT 3"): each slot is that field.
    for key, slots in (("diagnosis", ("icd 10 code", "icd 10", "icd", "diagnosis", "dx", "diagnosis code",
                                      "icd 10 cm code", "dx code")),
                       ("procedure", ("cpt", "cpt code", "procedure", "procedure code", "cpt hcpcs", "hcpcs"))):  # fmt: skip
        for p in slots:
            for n in range(1, 9):
                add(f"{p} {n}", key, None, 0.8)
    # "Patient rel. to subscriber", "PATIENT'S RELATIONSHIP TO POLICYHOLDER", "CHILD'S MEMBER ID": the
    # patient's words name the patient's side of the coverage, still the coverage's field.
    for pre in ("patient", "patient s", "patients", "pt", "pt s", "child s", "child", "member s", "dependent",
                "dependent s"):  # fmt: skip
        for p in KEYS["relationship"]:
            if p.startswith(("rel", "relation")) and p != "rel" and p != "relation":
                add(f"{pre} {p}", "relationship", None, 1.0)
        for p in ("member id", "member number", "id number", "insurance id", "medicaid id", "medicare id",
                  "subscriber id", "policy number", "member id number", "insurance id number"):  # fmt: skip
            add(f"{pre} {p}", "member_id", None, 1.0)
    # The insurance member's own id labels are specific even without a role word.
    for p in ("member id", "subscriber id", "policy number", "group number", "medicaid id", "medicare id"):
        lab = table[p]
        table[p] = Label(lab.key, None, 1.0, lab.words)  # whose coverage: the section (primary/secondary)
    return table


@lru_cache(maxsize=1)
def section_table() -> dict[str, str]:
    out: dict[str, str] = {}
    for role, phrases in SECTIONS.items():
        for p in phrases:
            out[p] = role
    return out


MAX_LABEL_WORDS = 8  # "Reason for referral / question for the consultant"


def match_label(text: str, *, ocr: bool = False) -> Label | None:
    """The label these words spell; with `ocr`, also when OCR misread a letter or two ("Locatlon", "Nane")."""
    table = label_table()
    lab = table.get(norm_label(text))
    if lab is None and ocr:
        lab = table.get(ocr_label(text))
    return lab if lab is not None else slash_label(text)


# Words a form puts beside a field's name with a slash without naming another field ("Home / cell phone",
# "Account / MRN", "MRN / Acct #").
_SLASH_QUALIFIERS = frozenset({"home", "cell", "work", "mobile", "day", "daytime", "evening", "account", "acct",
                               "account number", "acct number", "primary", "main", "best", "alt", "alternate"})  # fmt: skip


def slash_label(text: str) -> Label | None:
    """Alternatives joined by slashes that name one field: "Chart / MRN #", "Apt / unit", "Member / subscriber
    ID", "Home / cell phone". Every part is a label of that one key (and of no other owner) or a qualifier
    word; two fields ("Name / DOB", "Relationship / Phone") are no label."""
    if "/" not in text:
        return None
    parts = [norm_label(p) for p in text.split("/")]
    if len(parts) > 4 or any(not p for p in parts):
        return None
    table = label_table()
    labs = [table.get(p) for p in parts]
    known = [lab for lab in labs if lab is not None]
    if not known or len({lab.key for lab in known}) > 1 or len({lab.role for lab in known} - {None}) > 1:
        return None
    if any(lab is None and p not in _SLASH_QUALIFIERS for p, lab in zip(parts, labs, strict=True)):
        return None
    role = next((lab.role for lab in known if lab.role is not None), None)
    best = max(known, key=lambda lab: lab.strength)
    provider = any(lab.provider for lab in known)
    return Label(best.key, role, best.strength, sum(len(p.split()) for p in parts), provider)


def ocr_label(text: str) -> str:
    """`norm_label`, with each word the lexicon does not know replaced by the lexicon word OCR misread.

    "Pt Relationship to Subseriber" -> "pt relationship to subscriber", "Requesled" -> "requested". Only for
    words from OCR: a text layer spells its labels exactly, and a name like "Carrie" must not turn into
    "carrier" there.
    """
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))  # "Datę" -> "Date"
    return " ".join(_ocr_word(w) for w in norm_label(t).split())


@lru_cache(maxsize=8192)
def fuzzy_label(text: str) -> Label | None:
    """A label of two or more words OCR misread beyond what `ocr_label` puts back ("Dpte of Referal"): the
    lexicon phrase within one edit of the words as read (two from 16 characters on), when every phrase that
    near names the same field; None otherwise. Only for words from OCR that end in a colon or precede digits.
    """
    t = ocr_label(text)
    if len(t) < 8 or len(t.split()) < 2:
        return None
    table = label_table()
    cut = 1 if len(t) < 16 else 2
    hits = process.extract(t, _multiword_phrases(), scorer=Levenshtein.distance, score_cutoff=cut, limit=8)
    if not hits:
        return None
    best = min(h[1] for h in hits)
    labels = {(table[h[0]].key, table[h[0]].role) for h in hits if h[1] == best}
    if len(labels) != 1:
        return None
    return max((table[h[0]] for h in hits if h[1] == best), key=lambda lab: lab.strength)


@lru_cache(maxsize=1)
def _multiword_phrases() -> list[str]:
    return [p for p in label_table() if " " in p and len(p) >= 7]


# Letters a fax + OCR confuse, folded onto one representative: thin strokes (i l 1 t f j I !), round ones
# (o 0), c/e, and letter pairs read as one letter (rn -> m, cl -> d, vv -> w).
_FOLD_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("ii", "u"))
_FOLD = str.maketrans({"l": "i", "1": "i", "t": "i", "f": "i", "j": "i", "0": "o", "c": "e", "5": "s",
                       "8": "b", "y": "v", "h": "b"})  # fmt: skip


def ocr_fold(word: str) -> str:
    """A word with the letters OCR confuses folded together: words that fold alike may be one misread."""
    return _fold(word.lower())


def ocr_closest(word: str, vocabulary: frozenset[str], edit_len: int = 6) -> str | None:
    """The one vocabulary word (lower case) this OCR'd word is a misreading of, or None.

    Alike after folding confusable letters ("Assoclates", "seif" -> "self"), or, in words of six letters or
    more (`edit_len`), one further edit ("Rumana" -> "humana"); never when two vocabulary words qualify.
    """
    w = word.lower()
    if w in vocabulary or len(w) < 4 or not w.isalpha():
        return None
    f = _fold(w)
    same = [v for v in vocabulary if _fold(v) == f]
    if not same:
        # A folded letter pair may be a real pair: "Assoclates" is "associates" misread, not "assodates".
        f1 = _fold_letters(w)
        same = [v for v in vocabulary if _fold_letters(v) == f1]
    if len(same) == 1:
        return same[0]
    if same or len(w) < edit_len:
        return None
    near = [
        v for v in vocabulary if len(v) == len(w) and Levenshtein.distance(_fold(v), f, score_cutoff=1) <= 1
    ]
    return near[0] if len(near) == 1 else None


def _fold_letters(word: str) -> str:
    """`_fold` without the letter pairs."""
    w = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in w if not unicodedata.combining(ch)).translate(_FOLD)


def _fold(word: str) -> str:
    w = unicodedata.normalize("NFKD", word)
    w = "".join(ch for ch in w if not unicodedata.combining(ch))
    for a, b in _FOLD_PAIRS:
        w = w.replace(a, b)
    return w.translate(_FOLD)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], dict[str, str | None], list[str]]:
    """Words of every label and section phrase; their folded forms (None when two words fold alike)."""
    words = {w for phrase in [*label_table(), *section_table()] for w in phrase.split()}
    folded: dict[str, str | None] = {}
    for w in sorted(words):
        f = _fold(w)
        folded[f] = w if f not in folded else None
    return frozenset(words), folded, sorted(folded)


@lru_cache(maxsize=8192)
def _ocr_word(tok: str) -> str:
    words, folded, keys = _vocabulary()
    if tok in words or len(tok) < 3 or tok.isdigit():
        return tok
    f = _fold(tok)
    if f in folded:
        return folded[f] or tok
    if len(tok) < 6:
        return tok
    # One more slip (a dropped or doubled letter, an unrelated letter): rapidfuzz finds the lexicon words
    # one edit away; accepted only when exactly one is, and an insertion/deletion only in long words.
    hits = [
        k
        for k, _, _ in process.extract(f, keys, scorer=Levenshtein.distance, score_cutoff=1, limit=3)
        if folded[k] is not None and (len(k) == len(f) or min(len(k), len(f)) >= 7)
    ]
    return folded[hits[0]] or tok if len(hits) == 1 else tok


def match_section(text: str) -> str | None:
    return section_table().get(norm_label(text))


# Specialties a referral is sent to (used to validate a "specialty" value and to read "referral to X").
SPECIALTIES = frozenset(
    [
        "allergy immunology anesthesiology audiology cardiology cardiothoracic surgery colorectal surgery dermatology",
        "    endocrinology gastroenterology general surgery genetics geriatrics gynecology hematology hepatology",
        "    infectious disease internal medicine nephrology neurology neurosurgery obstetrics ob/gyn obstetrics and gynecology",
        "    oncology hematology/oncology ophthalmology optometry orthopedics orthopaedics orthopedic surgery",
        "    otolaryngology ent pain management pain medicine pediatrics physical therapy occupational therapy",
        "    physical medicine physiatry plastic surgery podiatry psychiatry psychology pulmonology pulmonary medicine",
        "    radiology rheumatology sleep medicine speech therapy sports medicine urology vascular surgery",
        "    behavioral health cardiac surgery electrophysiology interventional cardiology maternal fetal medicine",
        "    neuropsychology nutrition palliative care wound care bariatric surgery hand surgery spine surgery",
        "    breast surgery surgical oncology radiation oncology medical oncology pediatric cardiology",
        "    pediatric endocrinology pediatric neurology pediatric gastroenterology",
    ]
)


def is_specialty(text: str) -> bool:
    t = re.sub(r"[^a-z/ ]", " ", text.lower())
    t = re.sub(r"\s+", " ", t).strip()
    return t in _SPECIALTY_SET


_SPECIALTY_SET = frozenset(
    w
    for line in SPECIALTIES
    for w in [*(x.strip() for x in re.split(r"\s{2,}", line)), *line.split()]
    if w
) | frozenset({
    "allergy and immunology", "allergy/immunology", "cardiothoracic surgery", "colorectal surgery",
    "general surgery", "infectious disease", "internal medicine", "orthopedic surgery", "pain management",
    "physical therapy", "occupational therapy", "physical medicine and rehabilitation", "plastic surgery",
    "pulmonary medicine", "sleep medicine", "speech therapy", "sports medicine", "vascular surgery",
    "behavioral health", "maternal fetal medicine", "wound care", "bariatric surgery", "hand surgery",
    "spine surgery", "radiation oncology", "medical oncology", "pediatric cardiology", "pulmonary",
    "gastroenterology and hepatology", "ear nose and throat", "ear nose throat", "obstetrics and gynecology",
    "hematology oncology", "hematology/oncology", "neuro surgery", "orthopaedic surgery", "pain medicine",
    "family medicine", "mental health", "pulmonology and sleep medicine", "cardiovascular disease",
})  # fmt: skip


_ORG_RE = re.compile(
    r"(?i)\b(clinic|practice|medical|medicine|health|healthcare|associates|center|centre|group|physicians|hospital|"
    r"partners|specialists|specialty|institute|services|llc|pllc|inc|care|system|department|dept|office|"
    r"university|associated|consultants|network|therapy|surgery|surgical|imaging|laboratory|pediatrics|"
    r"[a-z]+ology|orthopa?edics|urgent)\b"
)


def looks_like_org(text: str) -> bool:
    """ "Cedar Creek Pulmonology" is a practice, not a person named Cedar Pulmonology."""
    return bool(_ORG_RE.search(text))


_PAYERS = re.compile(
    r"(?i)^(humana|aetna|cigna|unitedhealthcare|united healthcare|uhc|anthem|blue cross|blue shield|bcbs|"
    r"kaiser|molina|centene|wellcare|ambetter|oscar|tricare|medicare|medicaid|highmark|carefirst|"
    r"health net|healthnet|amerigroup|caresource|emblemhealth|oxford|tufts|harvard pilgrim|geisinger)\b"
)


def is_payer(text: str) -> bool:
    """Does this text start with a well-known US payer's name (a letterhead or a card)?"""
    return bool(_PAYERS.match(text.strip()))


# How insurers name themselves: "Lakeshore Health Plan", "Prairie Mutual Insurance", "Keystone Assurance".
_PAYER_NAME = re.compile(
    r"(?i)^[A-Za-z][\w&'.\- ]{1,50}\b(health ?plans?|insurance(?: company| co\.?| group)?|mutual|assurance|"
    r"health maintenance organization|hmo|health insurance|medicaid|medicare|casualty|indemnity)\.?$"
)


def looks_like_payer(text: str) -> bool:
    """A well-known payer, or a name that reads as an insurer's (regional plans are countless)."""
    t = text.strip()
    return is_payer(t) or (len(t.split()) <= 7 and _PAYER_NAME.match(t) is not None)
