package policy_test

import (
	"slices"
	"testing"

	"github.com/privet-dev/privet/policy"
)

func TestDiffIdentical(t *testing.T) {
	c := loadRich(t)
	if changes := policy.Diff(c, loadRich(t)); len(changes) != 0 {
		t.Fatalf("Diff of a policy with itself = %+v", changes)
	}
	if w := policy.WidenedPurposes(c, c); len(w) != 0 {
		t.Fatalf("WidenedPurposes of a policy with itself = %v", w)
	}
}

func TestDiff(t *testing.T) {
	base := readTestdata(t, "rich.yaml")
	tests := []struct {
		name     string
		old, new string // replaced in rich.yaml to make the new version
		kind     string
		key      string
		material bool
	}{
		{"purpose added", "\nrecipients:\n", "\n  - key: personalize\n    description: d\n    categories: [user.name]\n    basis: {\"*\": legitimate_interests}\nrecipients:\n",
			policy.ChangePurposeAdded, "personalize", true},
		{"purpose categories widened", "categories: [user.contact.email, user.name]\n    basis:\n      EU: consent",
			"categories: [user.contact.email, user.name, user.contact.phone_number]\n    basis:\n      EU: consent",
			policy.ChangeCategoriesWidened, "marketing.communications.email", true},
		{"purpose categories narrowed", "categories: [user.device.ip_address, user.device.cookie_id]\n    basis:",
			"categories: [user.device.ip_address]\n    basis:",
			policy.ChangeCategoriesNarrowed, "analytics.reporting", false},
		{"basis changed", "basis: {\"*\": legitimate_interests}", "basis: {\"*\": contract}",
			policy.ChangeBasisChanged, "essential.service.operations.access_history", true},
		{"mechanism weakened", "    withdraw: [account_settings]\n", "    withdraw: [account_settings]\n    consent: {US: opt_out}\n",
			policy.ChangeMechanismWeakened, "essential.service.security", true},
		{"mechanism strengthened", "      US: opt_out\n      US-CA: opt_out\n", "      US-CA: opt_out\n",
			policy.ChangeMechanismStrengthened, "marketing.advertising.third_party.targeted", false},
		{"recipient added", "\nretention:\n", "\n  - key: support\n    name: Support Desk\n    type: processor\n    purposes: [essential.service]\n    categories: [user.contact.email]\n    country: IE\nretention:\n",
			policy.ChangeRecipientAdded, "support", true},
		{"purpose reaches a new recipient", "    purposes: [essential.service]\n    categories: [user.contact.email]\n    country: GB",
			"    purposes: [essential.service, marketing.communications.email]\n    categories: [user.contact.email]\n    country: GB",
			policy.ChangeRecipientsWidened, "marketing.communications.email", true},
		{"recipient removed", "  - key: reseller\n    name: Reseller Ltd\n    type: affiliate\n    purposes: [essential.service]\n    categories: [user.contact.email]\n    country: GB\n    transfer: adequacy\n", "",
			policy.ChangeRecipientRemoved, "reseller", false},
		{"recipient moved", "    country: DE\n", "    country: US\n    transfer: scc\n",
			policy.ChangeRecipientMoved, "mailer", true},
		{"transfer mechanism changed", "    country: GB\n    transfer: adequacy\n", "    country: GB\n    transfer: scc\n",
			policy.ChangeTransferChanged, "reseller", false},
		{"retention lengthened", "period: 180d", "period: 1y",
			policy.ChangeRetentionLengthened, "account", true},
		{"retention shortened", "period: 180d", "period: 90d",
			policy.ChangeRetentionShortened, "account", false},
		{"retention trigger changed", "trigger: consent_withdrawn", "trigger: account_closed",
			policy.ChangeRetentionChanged, "identity", true},
		{"retention rule removed", "    - key: identity\n      categories: [user.government_id.national_identification_number]\n      trigger: consent_withdrawn\n      period: 30d\n      action: delete\n", "",
			policy.ChangeRetentionRemoved, "identity", true},
		{"ceiling lengthened", "  ceiling: 7y\n  rules:", "  ceiling: 10y\n  rules:",
			policy.ChangeRetentionLengthened, "ceiling", true},
		{"right removed", `"*": [access, erasure, withdraw_consent]`, `"*": [access, withdraw_consent]`,
			policy.ChangeRightRemoved, "US", true},
		{"right added", "    US-CA: [shine_the_light]\n", "    US-CA: [shine_the_light, appeal]\n",
			policy.ChangeRightAdded, "US-CA", false},
		{"category added", "\npurposes:\n", "\n  - key: user.demographic.language\n    sources: [subject]\npurposes:\n",
			policy.ChangeCategoryAdded, "user.demographic.language", false},
		{"jurisdiction added", "jurisdictions: [EU, UK, US-CA, US, CA]", "jurisdictions: [EU, UK, US-CA, US, CA, BR]",
			policy.ChangeJurisdictionAdded, "BR", false},
	}
	old := loadRich(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := policy.Parse("new.yaml", []byte(edit(t, base, tt.old, tt.new)))
			if err != nil {
				t.Fatal(err)
			}
			changes := policy.Diff(old, c)
			for _, ch := range changes {
				if ch.Kind == tt.kind && ch.Key == tt.key {
					if ch.Material != tt.material {
						t.Errorf("%s %s: Material = %v, want %v", tt.kind, tt.key, ch.Material, tt.material)
					}
					if ch.Detail == "" {
						t.Error("Detail is empty")
					}
					return
				}
			}
			t.Errorf("no %s change for %s in %+v", tt.kind, tt.key, changes)
		})
	}
}

func TestWidenedPurposes(t *testing.T) {
	base := readTestdata(t, "rich.yaml")
	old := loadRich(t)
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"consent purpose reads more", "categories: [user.contact.email, user.device.cookie_id]", "categories: [user.contact.email, user.device.cookie_id, user.name]",
			[]string{"marketing.advertising.third_party.targeted"}},
		{"consent purpose reaches a new recipient", "    purposes: [marketing.communications.email]\n", "    purposes: [marketing.communications.email, marketing.advertising.third_party.targeted]\n",
			[]string{"marketing.advertising.third_party.targeted"}},
		{"contract purpose reads more", "categories: [user.contact.email, user.name, user.content.private.document, user.device.ip_address]",
			"categories: [user.contact.email, user.name, user.content.private.document, user.device.ip_address, user.contact.phone_number]", nil},
		{"consent purpose narrowed", "categories: [user.contact.email, user.device.cookie_id]", "categories: [user.contact.email]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := policy.Parse("new.yaml", []byte(edit(t, base, tt.old, tt.new)))
			if err != nil {
				t.Fatal(err)
			}
			if got := policy.WidenedPurposes(old, c); !slices.Equal(got, tt.want) {
				t.Errorf("WidenedPurposes = %v, want %v", got, tt.want)
			}
		})
	}
}
