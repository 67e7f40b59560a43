package disclosure

import (
	"cmp"
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// DefaultNoticePurpose is the purpose a notice reads the person's address
// for: telling a person of a disclosure the law compelled.
const DefaultNoticePurpose = "essential.legal_obligation"

// VaultContact reads a subject's email identity from the vault, for a
// purpose, so the read is checked against the policy and audited like any
// other.
type VaultContact struct {
	Vault *vault.Service
	// Purpose defaults to DefaultNoticePurpose; the policy must let it
	// read user.contact.email.
	Purpose string
}

// Email returns the subject's email. ENOTFOUND if it has none the purpose may read.
func (c VaultContact) Email(ctx context.Context, tenantID, subjectID string) (string, error) {
	actor := privet.Actor{Type: privet.ActorSystem, ID: NoticeJob{}.Kind()}
	v, err := c.Vault.Get(ctx, actor, tenantID, subjectID, vault.ReadOptions{Purpose: cmp.Or(c.Purpose, DefaultNoticePurpose)})
	if err != nil {
		return "", err
	}
	for _, id := range v.Identities {
		if id.Type == privet.IdentityEmail {
			return id.Value, nil
		}
	}
	return "", privet.Errorf(privet.ENOTFOUND, "the subject has no email address to notify")
}
