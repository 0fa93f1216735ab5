"""Closed word lists that OCR'd values are checked against before a misread letter is put back.

A fax + OCR turns "daily" into "dally", "Blvd" into "Bivd", "Apt" into "ApL", "Victoria" into "Victorla". A
word is only repaired when it is *not* a word of the list and exactly one list word reads the same once the
letters OCR confuses are folded together (`lexicon.ocr_closest`), so a value the list does not know stays as
read. The lists are ordinary US usage: USPS street suffixes and unit designators, the words prescriptions and
allergy lists are written in, and commonly prescribed generic drug names.
"""

from __future__ import annotations

import re

from referral_intake.extraction.lexicon import ocr_closest, ocr_fold

# USPS Publication 28 street suffixes (common abbreviations and full words) and secondary unit designators.
STREET_SUFFIXES = frozenset(
    """
    aly alley ave avenue blvd boulevard cir circle ct court cv cove dr drive expy expressway fwy freeway hwy
    highway ln lane loop pkwy parkway pl place plz plaza pt point rd road row run sq square st street ter
    terrace trl trail way xing crossing crk creek hts heights holw hollow jct junction mnr manor mdws
    meadows pass path pike rdg ridge spg spring spgs springs sta station tpke turnpike vw view vlg village
    walk ests estates grn green gdns gardens grv grove hbr harbor hl hill hls hills knl knoll lk lake lks
    lakes ldg lodge mall mews ml mill mtn mountain orch orchard oval park pne pines prt port rnch ranch shr
    shore shrs shores smt summit trce trace un union vly valley vis vista
    """.split()  # noqa: SIM905
)
UNIT_DESIGNATORS = frozenset(
    """
    apt apartment ste suite unit bldg building fl floor rm room dept lot spc space trlr ofc office
    """.split()  # noqa: SIM905
)

# The words prescription lines ("metoprolol succinate 25 mg daily") and allergy lists are written in.
SIG_WORDS = frozenset(
    """
    daily nightly twice three four times weekly monthly hourly every morning evening bedtime night needed as
    with without food meals before after tablet tablets capsule capsules injection inhaler inhalation puffs
    puff drops patch cream ointment solution suspension oral topical subcutaneous units unit extended
    release delayed succinate tartrate hydrochloride sodium potassium calcium magnesium sulfate acetate
    chewable spray nasal ophthalmic transdermal sublingual rectal vaginal dose doses day days week weeks
    month mouth once swelling hives rash cough nausea vomiting anaphylaxis itching intolerance reaction
    drugs drug contrast iodinated shellfish peanuts peanut nuts latex penicillin penicillins sulfa eggs milk
    dairy bees stings tape adhesive seasonal allergies
    """.split()  # noqa: SIM905
)
DRUG_NAMES = frozenset(
    """
    acetaminophen acyclovir adalimumab albuterol alendronate allopurinol alprazolam amiodarone amitriptyline
    amlodipine amoxicillin ampicillin anastrozole apixaban aripiprazole aspirin atenolol atorvastatin
    azathioprine azithromycin baclofen benazepril benzonatate bisoprolol budesonide bumetanide bupropion
    buspirone carbamazepine carbidopa levodopa carvedilol cefdinir cefuroxime celecoxib cephalexin
    cetirizine chlorthalidone ciprofloxacin citalopram clindamycin clonazepam clonidine clopidogrel
    colchicine cyclobenzaprine dabigatran dapagliflozin denosumab dexamethasone diazepam diclofenac digoxin
    diltiazem diphenhydramine divalproex donepezil doxazosin doxycycline duloxetine dulaglutide
    empagliflozin enalapril enoxaparin entresto epinephrine escitalopram esomeprazole estradiol ezetimibe
    famotidine fenofibrate ferrous fexofenadine finasteride fluconazole fluoxetine fluticasone folic
    furosemide gabapentin glargine glimepiride glipizide glyburide guanfacine haloperidol heparin
    hydralazine hydrochlorothiazide hydrocodone hydroxychloroquine hydroxyzine ibuprofen insulin ipratropium
    irbesartan isosorbide ivermectin ketorolac labetalol lamotrigine lansoprazole latanoprost letrozole
    levetiracetam levofloxacin levothyroxine lidocaine linagliptin liraglutide lisinopril lispro aspart
    detemir lithium loratadine lorazepam losartan lovastatin meclizine medroxyprogesterone meloxicam
    memantine metformin methadone methimazole methocarbamol methotrexate methylphenidate methylprednisolone
    metoclopramide metolazone metoprolol metronidazole minocycline mirtazapine montelukast morphine
    mupirocin naloxone naltrexone naproxen nifedipine nitrofurantoin nitroglycerin nortriptyline nystatin
    olanzapine olmesartan omeprazole ondansetron oxybutynin oxycodone pantoprazole paroxetine penicillin
    phenytoin pioglitazone potassium pramipexole pravastatin prednisolone prednisone pregabalin primidone
    prochlorperazine promethazine propranolol quetiapine ramipril ranitidine rivaroxaban rizatriptan
    ropinirole rosuvastatin semaglutide sertraline sildenafil simvastatin sitagliptin spironolactone
    sucralfate sulfamethoxazole sumatriptan tacrolimus tadalafil tamoxifen tamsulosin terazosin terbinafine
    testosterone ticagrelor timolol tiotropium tizanidine topiramate torsemide tramadol trazodone
    triamcinolone trimethoprim valacyclovir valproate valsartan venlafaxine verapamil vitamin warfarin
    zolpidem codeine morphine sulfonamides cephalosporins nsaids fluoroquinolones statins
    """.split()  # noqa: SIM905
)
MED_WORDS = SIG_WORDS | DRUG_NAMES


_ADDRESS_WORDS = STREET_SUFFIXES | UNIT_DESIGNATORS


def address_word(token: str) -> str | None:
    """The street suffix or unit word an OCR'd token misreads ("PI" -> "Pl", "Bivd" -> "Blvd", "ApL" -> "Apt"),
    or None when the token is a known word already, or no single known word fits. Case follows the token."""
    core = token.strip(".,")
    t = core.lower()
    if (not core.isalpha() and not re.fullmatch(r"[A-Za-z1|]+", core)) or t in _ADDRESS_WORDS or len(t) < 2:
        return None
    # A capital I or a 1 for a small l is the commonest slip; it alone decides between "Pl" and "Pt".
    thin = t.replace("1", "l").replace("|", "l")
    fix: str | None = thin.replace("i", "l") if core.replace("1", "I").replace("|", "I").count("I") else thin
    if fix not in _ADDRESS_WORDS:
        if len(t) >= 4:
            fix = ocr_closest(t, _ADDRESS_WORDS, edit_len=99)
        else:
            same = [w for w in _ADDRESS_WORDS if len(w) == len(t) and ocr_fold(w) == ocr_fold(t)]
            fix = same[0] if len(same) == 1 else None
    if fix is None or fix == t:
        return None
    out = fix.upper() if core.isupper() and len(core) > 2 else fix.capitalize() if core[:1].isupper() else fix
    return token.replace(core, out)
