// Package resources keeps the access history of an application's resources:
// the application reports that a person viewed, edited or shared a resource
// (a document, by its opaque id), and privet stores it as an audit event that
// names the resource, in the tenant's hash chain like every other event, so
// the history is tamper-evident and `privet audit verify` proves it.
//
// A history lists who did what and when. The actors' names come from the
// vault, read for the purpose the caller names: a purpose that may not read
// names gets the entries with the names withheld, and an erased person
// appears as erased. Privet never stores the resource itself, nor its title.
package resources

import (
	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// Service records and reads resource histories.
type Service struct {
	Store privet.Store
	// Vault reads the actors' names for the history's purpose; every read
	// is audited by the vault.
	Vault *vault.Service
	Clock privet.Clock
}

// MaxPage is the largest page of a history.
const MaxPage = 500

// nameCategory is the category a history shows as the actor's name.
const nameCategory = "user.name"

// Name statuses of a history entry.
const (
	NameShown    = "shown"    // the name, read for the purpose
	NameWithheld = "withheld" // the purpose may not read names, or the person is restricted
	NameUnknown  = "unknown"  // the person has no name on record
	NameErased   = "erased"   // the person was erased: only the pseudonymous id is left
)
