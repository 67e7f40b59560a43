package jurisdiction

// Right is a right a person holds over their personal data.
type Right string

// The rights privet can execute or record. Laws name them differently; these
// are the shared names the policy and the request workflow use.
const (
	RightAccess               Right = "access"
	RightPortability          Right = "portability"
	RightRectification        Right = "rectification"
	RightErasure              Right = "erasure"
	RightRestriction          Right = "restriction"
	RightObjection            Right = "objection"
	RightOptOutSale           Right = "opt_out_sale"
	RightOptOutSharing        Right = "opt_out_sharing"
	RightOptOutTargetedAds    Right = "opt_out_targeted_ads"
	RightLimitSensitive       Right = "limit_sensitive"
	RightWithdrawConsent      Right = "withdraw_consent"
	RightKnow                 Right = "know"
	RightShineTheLight        Right = "shine_the_light"
	RightAppeal               Right = "appeal"
	RightNoAutomatedDecisions Right = "no_automated_decisions"
	RightComplaint            Right = "complaint"
)

// AllRights lists every Right, in the order above.
func AllRights() []Right {
	return []Right{
		RightAccess, RightPortability, RightRectification, RightErasure,
		RightRestriction, RightObjection, RightOptOutSale, RightOptOutSharing,
		RightOptOutTargetedAds, RightLimitSensitive, RightWithdrawConsent,
		RightKnow, RightShineTheLight, RightAppeal, RightNoAutomatedDecisions,
		RightComplaint,
	}
}

// Valid reports whether r is one of the rights above.
func (r Right) Valid() bool {
	for _, known := range AllRights() {
		if r == known {
			return true
		}
	}
	return false
}
