package jurisdiction

import "sync"

import "github.com/privet-dev/privet/deadline"

const (
	keyEU         = "EU"
	keyUK         = "UK"
	childrenKeyUS = "US-COPPA"
)

// euMembers are the places where the GDPR applies: the 27 EU member states
// (TEU Art. 52) and the three EEA EFTA states, which incorporated the GDPR by
// EEA Joint Committee Decision No 154/2018. ISO's "GR" is Greece (the EU
// itself writes EL).
var euMembers = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true,
	"DK": true, "EE": true, "FI": true, "FR": true, "DE": true, "GR": true,
	"HU": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true,
	"MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true,
	"SI": true, "ES": true, "SE": true,
	"IS": true, "LI": true, "NO": true, // EEA
}

func days(n int) deadline.Period   { return deadline.Period{N: n, Unit: deadline.Days} }
func bdays(n int) deadline.Period  { return deadline.Period{N: n, Unit: deadline.BusinessDays} }
func months(n int) deadline.Period { return deadline.Period{N: n, Unit: deadline.Months} }

// twelveMonths is the look-back window of the US repeat-request limits.
var twelveMonths = months(12)

// Sensitive data in fideslang terms, per statute. Each law's definition is
// listed separately because they differ (Colorado has no precise
// geolocation, China adds financial accounts); deprecated fideslang keys are
// listed beside their replacements so older policies are covered too.
var (
	// Va. Code §59.1-575 "Sensitive data".
	sensitiveVA = []string{
		"user.demographic.race_ethnicity", "user.demographic.religious_belief",
		"user.health", "user.health_and_medical", "user.demographic.sexual_orientation",
		"user.demographic.citizenship_or_immigration_status", "user.government_id.immigration",
		"user.biometrics", "user.biometric", "user.authorization.biometrics", "user.authorization.biometric",
		"user.children", "user.childrens", "user.location.precise",
	}
	// C.R.S. §6-1-1303(24) "Sensitive data" (no precise geolocation).
	sensitiveCO = []string{
		"user.demographic.race_ethnicity", "user.demographic.religious_belief",
		"user.health", "user.health_and_medical", "user.demographic.sexual_orientation",
		"user.health.reproductive_or_sexual",
		"user.demographic.citizenship_or_immigration_status", "user.government_id.immigration",
		"user.biometrics", "user.biometric", "user.authorization.biometrics", "user.authorization.biometric",
		"user.children", "user.childrens",
	}
	// Conn. Gen. Stat. §42-515 "Sensitive data".
	sensitiveCT = []string{
		"user.demographic.race_ethnicity", "user.demographic.religious_belief",
		"user.health", "user.health_and_medical", "user.demographic.sexual_orientation",
		"user.health.reproductive_or_sexual",
		"user.demographic.citizenship_or_immigration_status", "user.government_id.immigration",
		"user.biometrics", "user.biometric", "user.authorization.biometrics", "user.authorization.biometric",
		"user.children", "user.childrens", "user.location.precise",
	}
	// PIPL Art. 28 "sensitive personal information": biometrics, religious
	// beliefs, specific identities, medical health, financial accounts,
	// whereabouts, and the information of minors under 14.
	sensitiveCN = []string{
		"user.biometrics", "user.biometric", "user.authorization.biometrics", "user.authorization.biometric",
		"user.demographic.religious_belief", "user.health", "user.health_and_medical",
		"user.financial", "user.payment", "user.location.precise",
		"user.children", "user.childrens", "user.government_id",
	}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// table builds the laws afresh on every call so no caller can change them.
// Each law has a function of its own, all in this file, because the laws
// are easiest to review side by side.
// table is built once: Lookup hands out clones, so the shared laws are never
// modified.
var table = sync.OnceValue(buildTable)

func buildTable() map[string]*Law {
	return map[string]*Law{
		keyEU:         eu(),
		keyUK:         uk(),
		"US-CA":       california(),
		"US-VA":       virginia(),
		"US-CO":       colorado(),
		"US-CT":       connecticut(),
		"US-UT":       utah(),
		"CA":          canada(),
		"BR":          brazil(),
		"CN":          china(),
		childrenKeyUS: coppa(),
		"US":          unitedStates(),
	}
}

func eu() *Law {
	return &Law{
		Key:  keyEU,
		Name: "EU General Data Protection Regulation",
		Rights: []Right{
			RightAccess,               // GDPR Art. 15
			RightRectification,        // GDPR Art. 16
			RightErasure,              // GDPR Art. 17
			RightRestriction,          // GDPR Art. 18
			RightPortability,          // GDPR Art. 20
			RightObjection,            // GDPR Art. 21
			RightNoAutomatedDecisions, // GDPR Art. 22
			RightWithdrawConsent,      // GDPR Art. 7(3)
			RightComplaint,            // GDPR Art. 77
		},
		Response:  months(1), // GDPR Art. 12(3): within one month of receipt
		Extension: months(2), // GDPR Art. 12(3): by two further months where necessary
		// Receipt confirmation and an opt-out deadline: none in the GDPR;
		// objection to direct marketing takes effect at once (Art. 21(3)).
		ConsentAge:    16, // GDPR Art. 8(1): 16 unless a member state lowers it
		MinConsentAge: 13, // GDPR Art. 8(1): not below 13
		MaxConsentAge: 16, // GDPR Art. 8(1)
		// No repeat count: Art. 12(5) allows refusing only "manifestly
		// unfounded or excessive" requests, judged case by case.
		HonourGPC: false, // not mandated; Art. 21(5) lets people object by automated means
		OptInRequired: []string{
			"marketing.communications.email",             // ePrivacy Directive 2002/58/EC Art. 13(1)
			"marketing.communications.sms",               // ePrivacy Art. 13(1); SMS is "electronic mail" under Art. 2(h)
			"marketing.advertising.profiling",            // ePrivacy Art. 5(3): device storage; CJEU C-673/17 Planet49
			"marketing.advertising.first_party.targeted", // ePrivacy Art. 5(3); CJEU C-252/21 Meta v Bundeskartellamt
			"marketing.advertising.third_party.targeted", // ePrivacy Art. 5(3)
		},
		PausesForInformation: true,                                                                                                         // EDPB Guidelines 01/2022 on the right of access: identification requests (Art. 12(6)) delay the start
		Complaint:            "the supervisory authority of the member state of habitual residence, place of work or alleged infringement", // GDPR Art. 77(1)
		Appeal:               false,                                                                                                        // GDPR has no appeal to the controller; Art. 12(4) points to the authority and the courts
		CrossBorderConsent:   false,                                                                                                        // GDPR Chapter V: adequacy or safeguards; consent is only a derogation (Art. 49(1)(a))
		Breach:               breachEU(),
		Citations: map[string]string{
			"Breach":                       "GDPR Art. 33(1), 34(1)",
			"Response":                     "GDPR Art. 12(3)",
			"Extension":                    "GDPR Art. 12(3)",
			"ConsentAge":                   "GDPR Art. 8(1)",
			"OptInRequired":                "Directive 2002/58/EC Art. 5(3) and 13(1)",
			"PausesForInformation":         "GDPR Art. 12(6); EDPB Guidelines 01/2022",
			"Complaint":                    "GDPR Art. 77",
			"Right.access":                 "GDPR Art. 15",
			"Right.rectification":          "GDPR Art. 16",
			"Right.erasure":                "GDPR Art. 17",
			"Right.restriction":            "GDPR Art. 18",
			"Right.portability":            "GDPR Art. 20",
			"Right.objection":              "GDPR Art. 21",
			"Right.no_automated_decisions": "GDPR Art. 22",
			"Right.withdraw_consent":       "GDPR Art. 7(3)",
			"Right.complaint":              "GDPR Art. 77",
		},
	}
}

func uk() *Law {
	return &Law{
		Key:  keyUK,
		Name: "UK General Data Protection Regulation and Data Protection Act 2018",
		Rights: []Right{
			RightAccess,               // UK GDPR Art. 15
			RightRectification,        // UK GDPR Art. 16
			RightErasure,              // UK GDPR Art. 17
			RightRestriction,          // UK GDPR Art. 18
			RightPortability,          // UK GDPR Art. 20
			RightObjection,            // UK GDPR Art. 21
			RightNoAutomatedDecisions, // UK GDPR Art. 22
			RightWithdrawConsent,      // UK GDPR Art. 7(3)
			RightComplaint,            // UK GDPR Art. 77
		},
		Response:      months(1), // UK GDPR Art. 12(3): within one month of receipt
		Extension:     months(2), // UK GDPR Art. 12(3): by two further months
		ConsentAge:    13,        // Data Protection Act 2018 s.9(a): 13 in place of 16
		MinConsentAge: 13,        // fixed by DPA 2018 s.9(a)
		MaxConsentAge: 13,        // fixed by DPA 2018 s.9(a)
		HonourGPC:     false,     // not mandated
		OptInRequired: []string{
			"marketing.communications.email",             // PECR 2003 reg. 22
			"marketing.communications.sms",               // PECR reg. 22 ("electronic mail" includes SMS, reg. 2(1))
			"marketing.advertising.profiling",            // PECR reg. 6: storage on terminal equipment
			"marketing.advertising.first_party.targeted", // PECR reg. 6
			"marketing.advertising.third_party.targeted", // PECR reg. 6
		},
		PausesForInformation: true,                                    // UK GDPR Art. 12A (Data (Use and Access) Act 2025): the clock starts once identity or clarification is received
		Complaint:            "the Information Commissioner's Office", // UK GDPR Art. 77; DPA 2018 s.165
		Appeal:               false,
		CrossBorderConsent:   false, // UK GDPR Chapter V; consent only a derogation (Art. 49(1)(a))
		Breach:               breachUK(),
		Citations: map[string]string{
			"Breach":                       "UK GDPR Art. 33(1), 34(1)",
			"Response":                     "UK GDPR Art. 12(3)",
			"Extension":                    "UK GDPR Art. 12(3)",
			"ConsentAge":                   "Data Protection Act 2018 s.9",
			"OptInRequired":                "Privacy and Electronic Communications Regulations 2003 regs. 6 and 22",
			"PausesForInformation":         "UK GDPR Art. 12A",
			"Complaint":                    "UK GDPR Art. 77; DPA 2018 s.165",
			"Right.access":                 "UK GDPR Art. 15",
			"Right.rectification":          "UK GDPR Art. 16",
			"Right.erasure":                "UK GDPR Art. 17",
			"Right.restriction":            "UK GDPR Art. 18",
			"Right.portability":            "UK GDPR Art. 20",
			"Right.objection":              "UK GDPR Art. 21",
			"Right.no_automated_decisions": "UK GDPR Art. 22",
			"Right.withdraw_consent":       "UK GDPR Art. 7(3)",
			"Right.complaint":              "UK GDPR Art. 77",
		},
	}
}

func california() *Law {
	return &Law{
		Key:  "US-CA",
		Name: "California Consumer Privacy Act, as amended by the California Privacy Rights Act",
		Rights: []Right{
			RightKnow,           // Cal. Civ. Code §1798.100, §1798.110, §1798.115
			RightAccess,         // Cal. Civ. Code §1798.110(a)(5): the specific pieces of information
			RightPortability,    // Cal. Civ. Code §1798.130(a)(3)(B)(iii): portable, readily usable format
			RightErasure,        // Cal. Civ. Code §1798.105
			RightRectification,  // Cal. Civ. Code §1798.106
			RightOptOutSale,     // Cal. Civ. Code §1798.120
			RightOptOutSharing,  // Cal. Civ. Code §1798.120 (sharing = cross-context behavioural advertising, §1798.140(ah))
			RightLimitSensitive, // Cal. Civ. Code §1798.121
			RightShineTheLight,  // Cal. Civ. Code §1798.83
			RightComplaint,      // Cal. Civ. Code §1798.199.45: sworn complaints to the Agency
		},
		Response:            days(45),  // Cal. Civ. Code §1798.130(a)(2)(A); Cal. Code Regs. tit. 11 §7021(b)
		Extension:           days(45),  // Cal. Civ. Code §1798.130(a)(2)(A): once by 45 days with notice; §7021(b)
		ReceiptConfirmation: bdays(10), // Cal. Code Regs. tit. 11 §7021(a)
		OptOutDeadline:      bdays(15), // Cal. Code Regs. tit. 11 §7026(f) (sale/sharing); §7027(g) (limit sensitive)
		UnsubscribeDeadline: bdays(10), // CAN-SPAM Act, 15 U.S.C. §7704(a)(4)(A)
		ConsentAge:          16,        // Cal. Civ. Code §1798.120(c): opt-in to sale or sharing under 16 (parent under 13)
		MinConsentAge:       13,        // a parent consents under 13 (§1798.120(c), with COPPA); 13–15 opt in themselves to sale or sharing only
		MaxConsentAge:       16,        // §1798.120(c): the opt-in to sale or sharing reaches up to 16
		RepeatLimits: map[Right]RepeatLimit{
			RightKnow:        {Count: 2, Window: twelveMonths}, // Cal. Civ. Code §1798.130(b)
			RightAccess:      {Count: 2, Window: twelveMonths}, // Cal. Civ. Code §1798.130(b); §1798.100(d)
			RightPortability: {Count: 2, Window: twelveMonths}, // Cal. Civ. Code §1798.100(d)
		},
		HonourGPC: true, // Cal. Civ. Code §1798.135(e); Cal. Code Regs. tit. 11 §7025
		// No opt-in by purpose for adults: California is opt-out (§1798.120,
		// §1798.121); the under-16 opt-in is expressed by ConsentAge.
		PausesForInformation: false,                                                                         // Cal. Code Regs. tit. 11 §7021(b): the 45 days run from receipt, verification included
		Complaint:            "the California Privacy Protection Agency or the California Attorney General", // Cal. Civ. Code §1798.199.45, §1798.199.90
		Appeal:               false,                                                                         // the CCPA requires no appeal process
		Breach:               breachCalifornia(),
		Citations: map[string]string{
			"Breach":                "Cal. Civ. Code §1798.82(a), (f)",
			"Response":              "Cal. Civ. Code §1798.130(a)(2)(A); Cal. Code Regs. tit. 11 §7021(b)",
			"Extension":             "Cal. Civ. Code §1798.130(a)(2)(A)",
			"ReceiptConfirmation":   "Cal. Code Regs. tit. 11 §7021(a)",
			"OptOutDeadline":        "Cal. Code Regs. tit. 11 §7026(f), §7027(g)",
			"UnsubscribeDeadline":   "15 U.S.C. §7704(a)(4)(A)",
			"ConsentAge":            "Cal. Civ. Code §1798.120(c)",
			"RepeatLimits":          "Cal. Civ. Code §1798.100(d), §1798.130(b)",
			"HonourGPC":             "Cal. Civ. Code §1798.135(e); Cal. Code Regs. tit. 11 §7025",
			"Complaint":             "Cal. Civ. Code §1798.199.45",
			"Right.know":            "Cal. Civ. Code §1798.110, §1798.115",
			"Right.access":          "Cal. Civ. Code §1798.110",
			"Right.portability":     "Cal. Civ. Code §1798.130(a)(3)(B)(iii)",
			"Right.erasure":         "Cal. Civ. Code §1798.105",
			"Right.rectification":   "Cal. Civ. Code §1798.106",
			"Right.opt_out_sale":    "Cal. Civ. Code §1798.120",
			"Right.opt_out_sharing": "Cal. Civ. Code §1798.120",
			"Right.limit_sensitive": "Cal. Civ. Code §1798.121",
			"Right.shine_the_light": "Cal. Civ. Code §1798.83",
			"Right.complaint":       "Cal. Civ. Code §1798.199.45",
		},
	}
}

func virginia() *Law {
	return &Law{
		Key:  "US-VA",
		Name: "Virginia Consumer Data Protection Act",
		Rights: []Right{
			RightAccess,               // Va. Code §59.1-577(A)(1)
			RightRectification,        // Va. Code §59.1-577(A)(2)
			RightErasure,              // Va. Code §59.1-577(A)(3)
			RightPortability,          // Va. Code §59.1-577(A)(4)
			RightOptOutTargetedAds,    // Va. Code §59.1-577(A)(5)
			RightOptOutSale,           // Va. Code §59.1-577(A)(5)
			RightNoAutomatedDecisions, // Va. Code §59.1-577(A)(5): profiling for decisions with legal or similarly significant effects
			RightAppeal,               // Va. Code §59.1-577(C)
			RightComplaint,            // Va. Code §59.1-577(C): the Attorney General
		},
		Response:            days(45),  // Va. Code §59.1-577(B)(1)
		Extension:           days(45),  // Va. Code §59.1-577(B)(1): once by 45 days when reasonably necessary
		UnsubscribeDeadline: bdays(10), // CAN-SPAM Act, 15 U.S.C. §7704(a)(4)(A)
		ConsentAge:          13,        // Va. Code §59.1-575 "child": under 13, consent under COPPA
		MinConsentAge:       13,
		MaxConsentAge:       13,
		RepeatLimits: map[Right]RepeatLimit{
			RightAccess:      {Count: 2, Window: twelveMonths}, // Va. Code §59.1-577(B)(3): free up to twice annually
			RightPortability: {Count: 2, Window: twelveMonths}, // Va. Code §59.1-577(B)(3)
		},
		HonourGPC:            false,       // Virginia requires no universal opt-out signal
		OptInRequired:        sensitiveVA, // Va. Code §59.1-578(A)(5): no processing of sensitive data without consent
		PausesForInformation: false,
		Complaint:            "the Virginia Attorney General", // Va. Code §59.1-577(C), §59.1-584
		Appeal:               true,                            // Va. Code §59.1-577(C): answer within 60 days
		Breach:               breachVirginia(),
		Citations: map[string]string{
			"Breach":                       "Va. Code §18.2-186.6(B)",
			"Response":                     "Va. Code §59.1-577(B)(1)",
			"Extension":                    "Va. Code §59.1-577(B)(1)",
			"UnsubscribeDeadline":          "15 U.S.C. §7704(a)(4)(A)",
			"ConsentAge":                   "Va. Code §59.1-575",
			"RepeatLimits":                 "Va. Code §59.1-577(B)(3)",
			"OptInRequired":                "Va. Code §59.1-578(A)(5)",
			"Complaint":                    "Va. Code §59.1-577(C)",
			"Appeal":                       "Va. Code §59.1-577(C)",
			"Right.access":                 "Va. Code §59.1-577(A)(1)",
			"Right.rectification":          "Va. Code §59.1-577(A)(2)",
			"Right.erasure":                "Va. Code §59.1-577(A)(3)",
			"Right.portability":            "Va. Code §59.1-577(A)(4)",
			"Right.opt_out_targeted_ads":   "Va. Code §59.1-577(A)(5)",
			"Right.opt_out_sale":           "Va. Code §59.1-577(A)(5)",
			"Right.no_automated_decisions": "Va. Code §59.1-577(A)(5)",
			"Right.appeal":                 "Va. Code §59.1-577(C)",
			"Right.complaint":              "Va. Code §59.1-577(C)",
		},
	}
}

func colorado() *Law {
	return &Law{
		Key:  "US-CO",
		Name: "Colorado Privacy Act",
		Rights: []Right{
			RightOptOutTargetedAds,    // C.R.S. §6-1-1306(1)(a)
			RightOptOutSale,           // C.R.S. §6-1-1306(1)(a)
			RightNoAutomatedDecisions, // C.R.S. §6-1-1306(1)(a): profiling for decisions with legal or similarly significant effects
			RightAccess,               // C.R.S. §6-1-1306(1)(b)
			RightRectification,        // C.R.S. §6-1-1306(1)(c)
			RightErasure,              // C.R.S. §6-1-1306(1)(d)
			RightPortability,          // C.R.S. §6-1-1306(1)(e)
			RightWithdrawConsent,      // 4 CCR 904-3 Rule 7.07: refusing or revoking consent
			RightAppeal,               // C.R.S. §6-1-1306(3)
			RightComplaint,            // C.R.S. §6-1-1306(3): the Attorney General
		},
		Response:            days(45),  // C.R.S. §6-1-1306(2)(a)
		Extension:           days(45),  // C.R.S. §6-1-1306(2)(a): by 45 days when reasonably necessary
		UnsubscribeDeadline: bdays(10), // CAN-SPAM Act, 15 U.S.C. §7704(a)(4)(A)
		ConsentAge:          13,        // C.R.S. §6-1-1303(4) "child": under 13
		MinConsentAge:       13,
		MaxConsentAge:       13,
		RepeatLimits: map[Right]RepeatLimit{
			// C.R.S. §6-1-1306(1)(e): portability up to twice per calendar
			// year; a rolling 12 months is never laxer than that.
			RightPortability: {Count: 2, Window: twelveMonths},
			RightAccess:      {Count: 1, Window: twelveMonths}, // C.R.S. §6-1-1306(2)(c): the first in 12 months is free
		},
		HonourGPC:            true,        // C.R.S. §6-1-1306(1)(a)(IV): universal opt-out mechanism; 4 CCR 904-3 Rule 5
		OptInRequired:        sensitiveCO, // C.R.S. §6-1-1308(7)
		PausesForInformation: false,
		Complaint:            "the Colorado Attorney General", // C.R.S. §6-1-1306(3)(e), §6-1-1311
		Appeal:               true,                            // C.R.S. §6-1-1306(3): answer within 45 days, extendable by 60
		Breach:               breachColorado(),
		Citations: map[string]string{
			"Breach":                       "C.R.S. §6-1-716(2)",
			"Response":                     "C.R.S. §6-1-1306(2)(a)",
			"Extension":                    "C.R.S. §6-1-1306(2)(a)",
			"UnsubscribeDeadline":          "15 U.S.C. §7704(a)(4)(A)",
			"ConsentAge":                   "C.R.S. §6-1-1303(4)",
			"RepeatLimits":                 "C.R.S. §6-1-1306(1)(e), §6-1-1306(2)(c)",
			"HonourGPC":                    "C.R.S. §6-1-1306(1)(a)(IV); 4 CCR 904-3 Rule 5",
			"OptInRequired":                "C.R.S. §6-1-1308(7)",
			"Complaint":                    "C.R.S. §6-1-1306(3)",
			"Appeal":                       "C.R.S. §6-1-1306(3)",
			"Right.opt_out_targeted_ads":   "C.R.S. §6-1-1306(1)(a)",
			"Right.opt_out_sale":           "C.R.S. §6-1-1306(1)(a)",
			"Right.no_automated_decisions": "C.R.S. §6-1-1306(1)(a)",
			"Right.access":                 "C.R.S. §6-1-1306(1)(b)",
			"Right.rectification":          "C.R.S. §6-1-1306(1)(c)",
			"Right.erasure":                "C.R.S. §6-1-1306(1)(d)",
			"Right.portability":            "C.R.S. §6-1-1306(1)(e)",
			"Right.withdraw_consent":       "4 CCR 904-3 Rule 7.07",
			"Right.appeal":                 "C.R.S. §6-1-1306(3)",
			"Right.complaint":              "C.R.S. §6-1-1306(3)",
		},
	}
}

func connecticut() *Law {
	return &Law{
		Key:  "US-CT",
		Name: "Connecticut Data Privacy Act",
		Rights: []Right{
			RightAccess,               // Conn. Gen. Stat. §42-518(a)(1)
			RightRectification,        // Conn. Gen. Stat. §42-518(a)(2)
			RightErasure,              // Conn. Gen. Stat. §42-518(a)(3)
			RightPortability,          // Conn. Gen. Stat. §42-518(a)(4)
			RightOptOutTargetedAds,    // Conn. Gen. Stat. §42-518(a)(5)
			RightOptOutSale,           // Conn. Gen. Stat. §42-518(a)(5)
			RightNoAutomatedDecisions, // Conn. Gen. Stat. §42-518(a)(5): profiling for solely automated decisions
			RightWithdrawConsent,      // Conn. Gen. Stat. §42-520(a)(6): revocation, honoured within 15 days
			RightAppeal,               // Conn. Gen. Stat. §42-518(d)
			RightComplaint,            // Conn. Gen. Stat. §42-518(d): the Attorney General
		},
		Response:            days(45),  // Conn. Gen. Stat. §42-518(b)(1)
		Extension:           days(45),  // Conn. Gen. Stat. §42-518(b)(1): once by 45 days when reasonably necessary
		UnsubscribeDeadline: bdays(10), // CAN-SPAM Act, 15 U.S.C. §7704(a)(4)(A)
		ConsentAge:          13,        // Conn. Gen. Stat. §42-515 "child": under 13
		MinConsentAge:       13,
		MaxConsentAge:       13,
		RepeatLimits: map[Right]RepeatLimit{
			RightAccess:      {Count: 1, Window: twelveMonths}, // Conn. Gen. Stat. §42-518(b)(3): free once per 12 months
			RightPortability: {Count: 1, Window: twelveMonths}, // Conn. Gen. Stat. §42-518(b)(3)
		},
		HonourGPC:            true,        // Conn. Gen. Stat. §42-520(a)(1)(A): opt-out preference signals, from 1 January 2025
		OptInRequired:        sensitiveCT, // Conn. Gen. Stat. §42-520(a)(4)
		PausesForInformation: false,
		Complaint:            "the Connecticut Attorney General", // Conn. Gen. Stat. §42-518(d), §42-525
		Appeal:               true,                               // Conn. Gen. Stat. §42-518(d): answer within 60 days
		Breach:               breachConnecticut(),
		Citations: map[string]string{
			"Breach":                       "Conn. Gen. Stat. §36a-701b(b)",
			"Response":                     "Conn. Gen. Stat. §42-518(b)(1)",
			"Extension":                    "Conn. Gen. Stat. §42-518(b)(1)",
			"UnsubscribeDeadline":          "15 U.S.C. §7704(a)(4)(A)",
			"ConsentAge":                   "Conn. Gen. Stat. §42-515",
			"RepeatLimits":                 "Conn. Gen. Stat. §42-518(b)(3)",
			"HonourGPC":                    "Conn. Gen. Stat. §42-520(a)(1)(A)",
			"OptInRequired":                "Conn. Gen. Stat. §42-520(a)(4)",
			"Complaint":                    "Conn. Gen. Stat. §42-518(d)",
			"Appeal":                       "Conn. Gen. Stat. §42-518(d)",
			"Right.access":                 "Conn. Gen. Stat. §42-518(a)(1)",
			"Right.rectification":          "Conn. Gen. Stat. §42-518(a)(2)",
			"Right.erasure":                "Conn. Gen. Stat. §42-518(a)(3)",
			"Right.portability":            "Conn. Gen. Stat. §42-518(a)(4)",
			"Right.opt_out_targeted_ads":   "Conn. Gen. Stat. §42-518(a)(5)",
			"Right.opt_out_sale":           "Conn. Gen. Stat. §42-518(a)(5)",
			"Right.no_automated_decisions": "Conn. Gen. Stat. §42-518(a)(5)",
			"Right.withdraw_consent":       "Conn. Gen. Stat. §42-520(a)(6)",
			"Right.appeal":                 "Conn. Gen. Stat. §42-518(d)",
			"Right.complaint":              "Conn. Gen. Stat. §42-518(d)",
		},
	}
}

func utah() *Law {
	return &Law{
		Key:  "US-UT",
		Name: "Utah Consumer Privacy Act",
		Rights: []Right{
			RightAccess,            // Utah Code §13-61-201(1)
			RightErasure,           // Utah Code §13-61-201(2): data the consumer provided
			RightPortability,       // Utah Code §13-61-201(3)
			RightOptOutTargetedAds, // Utah Code §13-61-201(4)
			RightOptOutSale,        // Utah Code §13-61-201(4)
			RightLimitSensitive,    // Utah Code §13-61-302(3)(a): notice and an opportunity to opt out of sensitive data processing
		},
		Response:            days(45),  // Utah Code §13-61-203(4)(a)
		Extension:           days(45),  // Utah Code §13-61-203(4)(b): by 45 days when reasonably necessary
		UnsubscribeDeadline: bdays(10), // CAN-SPAM Act, 15 U.S.C. §7704(a)(4)(A)
		ConsentAge:          13,        // Utah Code §13-61-101 "child": under 13, processed under COPPA (§13-61-302(3)(b))
		MinConsentAge:       13,
		MaxConsentAge:       13,
		RepeatLimits: map[Right]RepeatLimit{
			RightAccess:      {Count: 1, Window: twelveMonths}, // Utah Code §13-61-203(3)(b): a fee for the second request in 12 months
			RightPortability: {Count: 1, Window: twelveMonths}, // Utah Code §13-61-203(3)(b)
		},
		HonourGPC: false, // Utah requires no universal opt-out signal
		// No opt-in list: Utah makes sensitive data opt-out (§13-61-302(3)(a)).
		PausesForInformation: false,
		Complaint:            "the Utah Division of Consumer Protection", // Utah Code §13-61-401
		Appeal:               false,                                      // Utah requires no appeal process
		Breach:               breachUtah(),
		Citations: map[string]string{
			"Breach":                     "Utah Code §13-44-202",
			"Response":                   "Utah Code §13-61-203(4)(a)",
			"Extension":                  "Utah Code §13-61-203(4)(b)",
			"UnsubscribeDeadline":        "15 U.S.C. §7704(a)(4)(A)",
			"ConsentAge":                 "Utah Code §13-61-101",
			"RepeatLimits":               "Utah Code §13-61-203(3)(b)",
			"Complaint":                  "Utah Code §13-61-401",
			"Right.access":               "Utah Code §13-61-201(1)",
			"Right.erasure":              "Utah Code §13-61-201(2)",
			"Right.portability":          "Utah Code §13-61-201(3)",
			"Right.opt_out_targeted_ads": "Utah Code §13-61-201(4)",
			"Right.opt_out_sale":         "Utah Code §13-61-201(4)",
			"Right.limit_sensitive":      "Utah Code §13-61-302(3)(a)",
		},
	}
}

func canada() *Law {
	return &Law{
		Key:  "CA",
		Name: "Personal Information Protection and Electronic Documents Act",
		Rights: []Right{
			RightAccess,          // PIPEDA s.8; Sch. 1 Principle 4.9
			RightRectification,   // PIPEDA Sch. 1 Principle 4.9.5
			RightWithdrawConsent, // PIPEDA Sch. 1 Principle 4.3.8
			RightComplaint,       // PIPEDA s.11
		},
		Response:            days(30),  // PIPEDA s.8(3): within 30 days of receipt
		Extension:           days(30),  // PIPEDA s.8(4)(a): by up to 30 more days, with notice (s.8(4)(b) allows longer for format conversion)
		UnsubscribeDeadline: bdays(10), // CASL, S.C. 2010, c. 23, s.11(3)
		ConsentAge:          13,        // no statutory age; OPC Guidelines for obtaining meaningful consent (2018): parents consent under 13
		MinConsentAge:       13,
		MaxConsentAge:       13,
		HonourGPC:           false, // not mandated
		OptInRequired: []string{
			"marketing.communications.email", // CASL s.6(1): no commercial electronic message without consent
			"marketing.communications.sms",   // CASL s.6(1)
		},
		PausesForInformation: false,
		Complaint:            "the Office of the Privacy Commissioner of Canada", // PIPEDA s.11
		Appeal:               false,
		CrossBorderConsent:   false, // PIPEDA Principle 4.1.3: accountability, not consent, for transfers
		Breach:               breachCanada(),
		Citations: map[string]string{
			"Breach":                 "PIPEDA s.10.1(1), (3)",
			"Response":               "PIPEDA s.8(3)",
			"Extension":              "PIPEDA s.8(4)",
			"UnsubscribeDeadline":    "CASL s.11(3)",
			"ConsentAge":             "OPC Guidelines for obtaining meaningful consent (2018)",
			"OptInRequired":          "CASL s.6(1)",
			"Complaint":              "PIPEDA s.11",
			"Right.access":           "PIPEDA s.8; Sch. 1 Principle 4.9",
			"Right.rectification":    "PIPEDA Sch. 1 Principle 4.9.5",
			"Right.withdraw_consent": "PIPEDA Sch. 1 Principle 4.3.8",
			"Right.complaint":        "PIPEDA s.11",
		},
	}
}

func brazil() *Law {
	return &Law{
		Key:  "BR",
		Name: "Lei Geral de Proteção de Dados Pessoais (Lei nº 13.709/2018)",
		Rights: []Right{
			RightAccess,               // LGPD Art. 18, I and II
			RightRectification,        // LGPD Art. 18, III
			RightRestriction,          // LGPD Art. 18, IV: anonymization or blocking
			RightErasure,              // LGPD Art. 18, IV and VI
			RightPortability,          // LGPD Art. 18, V
			RightKnow,                 // LGPD Art. 18, VII: the entities the data was shared with
			RightWithdrawConsent,      // LGPD Art. 18, IX; Art. 8 §5
			RightObjection,            // LGPD Art. 18 §2
			RightNoAutomatedDecisions, // LGPD Art. 20: review of automated decisions
			RightComplaint,            // LGPD Art. 18 §1: petition to the ANPD
		},
		Response:      days(15), // LGPD Art. 19, II: complete declaration within 15 days
		ConsentAge:    12,       // LGPD Art. 14 §1 (parental consent for children); Lei 8.069/1990 Art. 2: a child is under 12
		MinConsentAge: 12,
		MaxConsentAge: 12,
		HonourGPC:     false, // not mandated
		// No opt-in list by purpose: consent is one of ten bases (Art. 7);
		// sensitive data also has non-consent bases (Art. 11, II).
		PausesForInformation: false,
		Complaint:            "the Autoridade Nacional de Proteção de Dados (ANPD)", // LGPD Art. 18 §1
		Appeal:               false,
		CrossBorderConsent:   false, // LGPD Art. 33: specific consent is one of several transfer bases (Art. 33, VIII)
		Breach:               breachBrazil(),
		Citations: map[string]string{
			"Breach":                       "LGPD Art. 48; Resolução CD/ANPD nº 15/2024 Art. 6, 9",
			"Response":                     "LGPD Art. 19, II",
			"ConsentAge":                   "LGPD Art. 14 §1; Lei 8.069/1990 Art. 2",
			"Complaint":                    "LGPD Art. 18 §1",
			"Right.access":                 "LGPD Art. 18, I-II",
			"Right.rectification":          "LGPD Art. 18, III",
			"Right.restriction":            "LGPD Art. 18, IV",
			"Right.erasure":                "LGPD Art. 18, IV and VI",
			"Right.portability":            "LGPD Art. 18, V",
			"Right.know":                   "LGPD Art. 18, VII",
			"Right.withdraw_consent":       "LGPD Art. 18, IX; Art. 8 §5",
			"Right.objection":              "LGPD Art. 18 §2",
			"Right.no_automated_decisions": "LGPD Art. 20",
			"Right.complaint":              "LGPD Art. 18 §1",
		},
	}
}

func china() *Law {
	return &Law{
		Key:  "CN",
		Name: "Personal Information Protection Law of the People's Republic of China",
		Rights: []Right{
			RightKnow,                 // PIPL Art. 44: to know and to decide
			RightRestriction,          // PIPL Art. 44: to restrict processing
			RightObjection,            // PIPL Art. 44: to refuse processing
			RightAccess,               // PIPL Art. 45: to consult and copy
			RightPortability,          // PIPL Art. 45, para. 3
			RightRectification,        // PIPL Art. 46
			RightErasure,              // PIPL Art. 47
			RightWithdrawConsent,      // PIPL Art. 15
			RightNoAutomatedDecisions, // PIPL Art. 24, para. 3
			RightComplaint,            // PIPL Art. 65
		},
		// PIPL sets no number of days: Art. 50 says "in a timely manner".
		// We choose the shorter of the two national references, 15 working
		// days, from the Methods for Identifying Illegal Collection and Use of
		// Personal Information by Apps (Guo Xin Ban Mi Zi [2019] No. 191),
		// which treats a longer time to handle correction, deletion or
		// account-cancellation requests as non-compliant; the recommended
		// standard GB/T 35273-2020 §8.7 allows 30 days. Working days here
		// skip weekends only: a policy should supply China's holiday
		// calendar, including its adjusted working weekends.
		Response:      bdays(15),
		ConsentAge:    14, // PIPL Art. 31: parental consent under 14
		MinConsentAge: 14,
		MaxConsentAge: 14,
		HonourGPC:     false, // not mandated
		OptInRequired: concat(
			[]string{
				"marketing",           // PIPL Art. 13: no legitimate-interest basis, so marketing rests on consent
				"third_party_sharing", // PIPL Art. 23: separate consent to provide data to another handler
			},
			sensitiveCN, // PIPL Art. 29: separate consent for sensitive personal information
		),
		PausesForInformation: false,
		Complaint:            "the departments performing personal information protection duties, such as the Cyberspace Administration of China", // PIPL Art. 60, 65
		Appeal:               false,
		CrossBorderConsent:   true, // PIPL Art. 39: separate consent for provision abroad
		Breach:               breachChina(),
		Citations: map[string]string{
			"Breach":                       "PIPL Art. 57",
			"Response":                     "PIPL Art. 50 (no fixed days); Guo Xin Ban Mi Zi [2019] No. 191 (15 working days); GB/T 35273-2020 §8.7 (30 days)",
			"ConsentAge":                   "PIPL Art. 31",
			"OptInRequired":                "PIPL Art. 13, 23, 29",
			"Complaint":                    "PIPL Art. 65",
			"CrossBorderConsent":           "PIPL Art. 39",
			"Right.know":                   "PIPL Art. 44",
			"Right.restriction":            "PIPL Art. 44",
			"Right.objection":              "PIPL Art. 44",
			"Right.access":                 "PIPL Art. 45",
			"Right.portability":            "PIPL Art. 45",
			"Right.rectification":          "PIPL Art. 46",
			"Right.erasure":                "PIPL Art. 47",
			"Right.withdraw_consent":       "PIPL Art. 15",
			"Right.no_automated_decisions": "PIPL Art. 24",
			"Right.complaint":              "PIPL Art. 65",
		},
	}
}

func coppa() *Law {
	return &Law{
		Key:  childrenKeyUS,
		Name: "Children's Online Privacy Protection Act",
		Rights: []Right{
			RightAccess,          // 16 CFR §312.6(a)(1), (3): a parent may review the child's information
			RightErasure,         // 16 CFR §312.6(a)(2): a parent may have it deleted
			RightWithdrawConsent, // 16 CFR §312.6(a)(2): a parent may refuse further use or collection
			RightComplaint,       // 15 U.S.C. §6505: enforced by the FTC
		},
		// No response deadline: COPPA asks for no fixed number of days.
		ConsentAge:    13, // 16 CFR §312.2 "child": under 13; §312.5: verifiable parental consent
		MinConsentAge: 13,
		MaxConsentAge: 13,
		// No opt-in list: under 13 every collection needs verifiable parental
		// consent (16 CFR §312.5(a)), which ConsentAge expresses.
		Complaint: "the Federal Trade Commission", // 15 U.S.C. §6505
		Citations: map[string]string{
			"ConsentAge":             "16 CFR §312.2, §312.5",
			"Complaint":              "15 U.S.C. §6505",
			"Right.access":           "16 CFR §312.6(a)",
			"Right.erasure":          "16 CFR §312.6(a)(2)",
			"Right.withdraw_consent": "16 CFR §312.6(a)(2)",
			"Right.complaint":        "15 U.S.C. §6505",
		},
	}
}

func unitedStates() *Law {
	return &Law{
		Key:  "US",
		Name: "United States (no general privacy law)",
		// No rights beyond those the policy promises: there is no federal
		// general privacy law, and the states without one add none.
		UnsubscribeDeadline: bdays(10),                      // CAN-SPAM Act, 15 U.S.C. §7704(a)(4)(A)
		Complaint:           "the Federal Trade Commission", // FTC Act §5, 15 U.S.C. §45: unfair or deceptive practices, including broken privacy promises
		Citations: map[string]string{
			"UnsubscribeDeadline": "15 U.S.C. §7704(a)(4)(A)",
			"Complaint":           "15 U.S.C. §45",
		},
	}
}
