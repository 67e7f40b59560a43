package policy_test

import (
	"testing"

	"github.com/privet-dev/privet/policy"
)

func TestMaterial(t *testing.T) {
	for kind, want := range map[string]bool{
		policy.ChangePurposeAdded:          true,
		policy.ChangeRecipientsWidened:     true,
		policy.ChangeRecipientMoved:        true,
		policy.ChangeRightRemoved:          true,
		policy.ChangeMechanismWeakened:     true,
		policy.ChangeRetentionLengthened:   true,
		policy.ChangePurposeRemoved:        false,
		policy.ChangeTransferChanged:       false,
		policy.ChangeRightAdded:            false,
		policy.ChangeRetentionShortened:    false,
		policy.ChangeMechanismStrengthened: false,
	} {
		if got := policy.Material(kind); got != want {
			t.Errorf("Material(%s) = %v, want %v", kind, got, want)
		}
	}
}
