package jurisdiction

import (
	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
)

// BreachRule is what a law asks of a controller after a personal data
// breach: whom to tell, from what level of risk, and how fast, counted from
// when the controller became aware of it. Risk levels follow the GDPR's
// grading (privet.Risk); a law with a different test is mapped to the
// nearest level, and the mapping is said beside it.
type BreachRule struct {
	// Regulator is the authority to notify.
	Regulator string
	// RegulatorRisk is the least risk at which the regulator must be told;
	// RiskNone means every breach the law covers.
	RegulatorRisk privet.Risk
	// RegulatorWithin is the deadline from awareness; zero where the law
	// sets no fixed period, and RegulatorTiming then says what it sets.
	RegulatorWithin deadline.Period
	RegulatorTiming string
	// RegulatorMinPeople is the number of residents affected from which the
	// regulator must be told; 0 for any number.
	RegulatorMinPeople int
	// PeopleRisk is the least risk at which the people affected must be told.
	PeopleRisk   privet.Risk
	PeopleWithin deadline.Period
	PeopleTiming string
}

// The breach rules, one per law. US states vary: every state has a breach
// statute, and the table holds those of the states it knows.

func breachEU() *BreachRule {
	return &BreachRule{
		Regulator:       "the competent supervisory authority (the lead authority of the main establishment, GDPR Art. 56)",
		RegulatorRisk:   privet.RiskSome, // Art. 33(1): unless "unlikely to result in a risk to the rights and freedoms"
		RegulatorWithin: deadline.Period{N: 72, Unit: deadline.Hours},
		RegulatorTiming: "without undue delay and, where feasible, not later than 72 hours after having become aware of it",
		PeopleRisk:      privet.RiskHigh, // Art. 34(1): "likely to result in a high risk"
		PeopleTiming:    "without undue delay",
	}
}

func breachUK() *BreachRule {
	r := breachEU()
	r.Regulator = "the Information Commissioner's Office"
	return r
}

func breachCalifornia() *BreachRule {
	return &BreachRule{
		// §1798.82(f): a sample copy of the notice when more than 500 residents are notified.
		Regulator:          "the California Attorney General (a sample copy of the notice to residents)",
		RegulatorRisk:      privet.RiskNone,
		RegulatorTiming:    "with the notice to residents",
		RegulatorMinPeople: 501,
		// §1798.82(a): no risk-of-harm test; unencrypted personal information acquired by an unauthorized person.
		PeopleRisk:   privet.RiskNone,
		PeopleTiming: "in the most expedient time possible and without unreasonable delay",
	}
}

func breachVirginia() *BreachRule {
	return &BreachRule{
		Regulator:       "the Office of the Attorney General",
		RegulatorRisk:   privet.RiskSome, // §18.2-186.6(B): reasonably believed to cause identity theft or other fraud
		RegulatorTiming: "without unreasonable delay",
		PeopleRisk:      privet.RiskSome,
		PeopleTiming:    "without unreasonable delay",
	}
}

func breachColorado() *BreachRule {
	return &BreachRule{
		Regulator:          "the Colorado Attorney General",
		RegulatorRisk:      privet.RiskSome, // §6-1-716(2)(a): unless misuse has not occurred and is not reasonably likely
		RegulatorWithin:    deadline.Period{N: 30, Unit: deadline.Days},
		RegulatorTiming:    "not later than 30 days after the determination that a breach occurred",
		RegulatorMinPeople: 500, // §6-1-716(2)(f)
		PeopleRisk:         privet.RiskSome,
		PeopleWithin:       deadline.Period{N: 30, Unit: deadline.Days},
		PeopleTiming:       "in the most expedient time possible and without unreasonable delay, not later than 30 days",
	}
}

func breachConnecticut() *BreachRule {
	return &BreachRule{
		Regulator:       "the Connecticut Attorney General",
		RegulatorRisk:   privet.RiskSome, // §36a-701b(b)(1): unless no harm is reasonably likely
		RegulatorWithin: deadline.Period{N: 60, Unit: deadline.Days},
		RegulatorTiming: "not later than the notice to residents",
		PeopleRisk:      privet.RiskSome,
		PeopleWithin:    deadline.Period{N: 60, Unit: deadline.Days},
		PeopleTiming:    "without unreasonable delay but not later than 60 days after discovery",
	}
}

func breachUtah() *BreachRule {
	return &BreachRule{
		Regulator:          "the Utah Attorney General and the Utah Cyber Center",
		RegulatorRisk:      privet.RiskSome, // §13-44-202(1): misuse has occurred or is reasonably likely
		RegulatorTiming:    "in the most expedient time possible without unreasonable delay",
		RegulatorMinPeople: 500,
		PeopleRisk:         privet.RiskSome,
		PeopleTiming:       "in the most expedient time possible without unreasonable delay",
	}
}

func breachCanada() *BreachRule {
	return &BreachRule{
		Regulator:       "the Office of the Privacy Commissioner of Canada",
		RegulatorRisk:   privet.RiskSome, // s.10.1(1): "a real risk of significant harm"
		RegulatorTiming: "as soon as feasible after determining that the breach has occurred",
		PeopleRisk:      privet.RiskSome, // s.10.1(3): the same test
		PeopleTiming:    "as soon as feasible",
	}
}

func breachBrazil() *BreachRule {
	return &BreachRule{
		Regulator:       "the Autoridade Nacional de Proteção de Dados (ANPD)",
		RegulatorRisk:   privet.RiskSome, // LGPD Art. 48: "risk or relevant damage to the data subjects"
		RegulatorWithin: deadline.Period{N: 3, Unit: deadline.BusinessDays},
		RegulatorTiming: "within three working days of becoming aware",
		PeopleRisk:      privet.RiskSome,
		PeopleWithin:    deadline.Period{N: 3, Unit: deadline.BusinessDays},
		PeopleTiming:    "within three working days of becoming aware",
	}
}

func breachChina() *BreachRule {
	return &BreachRule{
		Regulator:       "the departments performing personal information protection duties",
		RegulatorRisk:   privet.RiskNone, // Art. 57: any leak, tampering or loss, occurred or possible
		RegulatorTiming: "immediately",
		// Art. 57, para. 2: people need not be told when measures effectively
		// avoid harm, i.e. when no risk remains (unless the department requires it).
		PeopleRisk:   privet.RiskSome,
		PeopleTiming: "immediately",
	}
}
