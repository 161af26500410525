"""The shares and distributions the history is drawn from, in one place (README, "History for
the demo"). Times are seconds; a log-normal is given by its median and sigma."""

from dispatch.models import CaseType, Priority

P = Priority
T = CaseType

# MBS priority (the decision support's, *MBS-prio*) of a new call.
MBS_SHARES = {P.P1A: 0.10, P.P1B: 0.22, P.P2A: 0.25, P.P2B: 0.17, P.P3: 0.08, P.REFERRAL: 0.18}
# How often the dispatcher chooses another priority than MBS, and where to.
CHOSEN_DIFFERS = 0.11
CHOSEN_MOVES = {
    P.P1A: [(P.P1B, 1.0)],
    P.P1B: [(P.P2A, 0.7), (P.P1A, 0.3)],
    P.P2A: [(P.P1B, 0.5), (P.P2B, 0.5)],
    P.P2B: [(P.P2A, 0.5), (P.P3, 0.5)],
    P.P3: [(P.P2B, 0.6), (P.REFERRAL, 0.4)],
    P.REFERRAL: [(P.P3, 0.6), (P.P2B, 0.4)],
}
# A priority edited after registration (a CaseChange row), one step up or down.
CHANGED_AFTER = 0.04
STEP = {P.P1A: (P.P1B,), P.P1B: (P.P1A, P.P2A), P.P2A: (P.P1B, P.P2B), P.P2B: (P.P2A, P.P3),
        P.P3: (P.P2B,)}

# Case type by MBS priority (weights); cardiac arrest is always 1A.
TYPES = {
    P.P1A: [(T.CARDIAC_ARREST, 12), (T.UNCONSCIOUS_NOT_BREATHING, 9), (T.CHEST_PAIN, 20),
            (T.STROKE, 12), (T.BREATHING_DIFFICULTY, 18), (T.TRAUMA, 10),
            (T.ALLERGIC_REACTION, 5), (T.CHOKING, 2), (T.SEVERE_BLEEDING, 3), (T.DROWNING, 1),
            (T.OTHER, 8)],
    P.P1B: [(T.CHEST_PAIN, 25), (T.STROKE, 15), (T.BREATHING_DIFFICULTY, 20), (T.TRAUMA, 12),
            (T.ALLERGIC_REACTION, 5), (T.OTHER, 23)],
    P.P2A: [(T.CHEST_PAIN, 14), (T.BREATHING_DIFFICULTY, 16), (T.TRAUMA, 15), (T.STROKE, 5),
            (T.ALLERGIC_REACTION, 3), (T.OTHER, 47)],
    P.P2B: [(T.BREATHING_DIFFICULTY, 10), (T.TRAUMA, 18), (T.EVENT, 3), (T.OTHER, 69)],
    P.P3: [(T.TRAUMA, 20), (T.EVENT, 8), (T.OTHER, 72)],
    P.REFERRAL: [(T.BREATHING_DIFFICULTY, 8), (T.CHEST_PAIN, 5), (T.TRAUMA, 7),
                 (T.ALLERGIC_REACTION, 5), (T.OTHER, 75)],
}
COMPLAINTS = {
    T.CARDIAC_ARREST: ["Hjärtstopp, HLR pågår", "Livlös, andas inte"],
    T.UNCONSCIOUS_NOT_BREATHING: ["Medvetslös, oregelbunden andning", "Svårväckt, snarkande"],
    T.CHOKING: ["Satt i halsen"],
    T.SEVERE_BLEEDING: ["Kraftig blödning från benet", "Blöder från huvudet"],
    T.DROWNING: ["Drunkningstillbud"],
    T.CHEST_PAIN: ["Bröstsmärta", "Tryck över bröstet", "Bröstsmärta med utstrålning"],
    T.STROKE: ["Sluddrigt tal, hängande mungipa", "Plötslig svaghet i arm"],
    T.BREATHING_DIFFICULTY: ["Andnöd", "Astma, svårt att andas", "Andfådd, KOL"],
    T.TRAUMA: ["Fall i hemmet", "Trafikolycka", "Fallit från stege", "Höftskada efter fall"],
    T.ALLERGIC_REACTION: ["Allergisk reaktion, svullnad", "Getingstick, utslag"],
    T.EVENT: ["Beredskap vid evenemang", "Brand, beredskap på plats"],
    T.OTHER: ["Buksmärta", "Feber och förvirring", "Yrsel", "Ryggsmärta", "Kräkningar",
              "Diabetes, lågt blodsocker", "Psykisk ohälsa"],
}
REASONS = ["Stabil enligt inringaren", "Försämrad under samtalet", "Anhörig på plats, lugnt",
           "Sjuksköterska har bedömt", "Hög ålder, flera sjukdomar", "Kramper pågår",
           "Samtal med patienten själv, opåverkad", "Vårdgivare begär högre prio"]
REFERRED_TO = [("Egenvård med råd", 30), ("Vårdcentral", 30), ("1177 Vårdguiden", 15),
               ("Närakut", 15), ("Jourläkare", 5), ("Mobilt vårdteam", 5)]

# Calls: a prioritised line (*prioriterad linje*) by chosen priority; answer times.
PRIORITISED_LINE = {P.P1A: 0.55, P.P1B: 0.35}
PRIORITISED_LINE_OTHER = 0.12
ANSWER_PRIORITISED = (6.0, 0.55)
ANSWER_OTHER = (22.0, 0.8)
ABANDONED = 0.015  # calls queued and never answered (no case)

# Seconds from answer to the first alert: 1A 40 s + a log-normal, at most 120 s.
ALERT_1A_BASE, ALERT_1A = 40.0, (26.0, 0.45)
ALERT_1A_MAX = 120.0
ALERT = {P.P1B: (110.0, 0.45), P.P2A: (300.0, 0.6), P.P2B: (600.0, 0.6), P.P3: (1500.0, 0.6)}
REGISTER = {"one": (30.0, 0.35), "other": (70.0, 0.4), "referral": (240.0, 0.5)}

# Regions differ a little: a factor on the answer time and on 1A's alert time, by tertial.
ANSWER_FACTOR = {("SRM", 2): 1.8}  # summer staffing in Sörmland
ALERT_FACTOR = {("UPP", 3): 1.6}  # Uppsala slower to alert 1A in the autumn
REGION_FACTOR = {"VML": 1.0, "UPP": 1.04, "SRM": 0.97}

# Dispatches.
SECOND_UNIT = {T.CARDIAC_ARREST: 0.6}
SECOND_UNIT_OTHER_1A = 0.08
CANCELLED = 0.03
ACK = (18.0, 0.5)
TURNOUT = {"one": (45.0, 0.5), "other": (100.0, 0.5)}
SPEED_KMH = {"one": 80.0, "other": 65.0, "helicopter": 220.0}
ROAD_FACTOR = 1.25
ON_SCENE = (22 * 60.0, 0.4)
HANDOVER = (20 * 60.0, 0.4)
# Taken to hospital: about 80 % of priority 1 (seed 000's measure 4 without cardiac arrest,
# allergic reaction and event), less for those.
TRANSPORT = {"one": 0.83, "two": 0.78, "three": 0.7}
TRANSPORT_BY_TYPE = {T.CARDIAC_ARREST: 0.35, T.ALLERGIC_REACTION: 0.5, T.EVENT: 0.1}
TRANSPORT_SECOND_UNIT = 0.1

# Referrals and what happened after.
PIN_KNOWN = 0.75  # non-referral cases with an identity number
FREQUENT_CALLER = 0.03  # a case of one of a small pool of frequent callers
RECONTACT_24H = 0.055  # dispatched at priority 1 within 24 h (measure 5)
RECONTACT_LATER = 0.03  # again within 1-3 days, at priority 1 or 2
VISIT_3D = 0.09  # an emergency department visit within 3 days (measure 6) ...
VISIT_ADMITTED = 0.35  # ... admitted
VISIT_LATER = 0.03  # a visit 3-6 days after (outside measure 6)
RECONTACT_ADMITTED = 0.6  # a recontact taken in by ambulance and admitted

# Volume: by local hour (weights) and a little by season and weekday.
HOURS = [0.55, 0.45, 0.4, 0.35, 0.35, 0.4, 0.6, 0.85, 1.05, 1.2, 1.25, 1.25, 1.2, 1.2, 1.15,
         1.15, 1.15, 1.2, 1.2, 1.15, 1.05, 0.95, 0.8, 0.65]
WEEKDAY = [1.02, 1.0, 0.99, 0.99, 1.03, 0.98, 0.99]
SEASON = 0.08  # +8 % in mid-January, -8 % in mid-July
