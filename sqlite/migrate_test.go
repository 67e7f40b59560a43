package sqlite_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/migration"
	"github.com/privet-dev/privet/sqlite"
)

// TestMigrateWithoutRowid makes a store as version 12 left it (subjects,
// identities and fields with rowids), fills it, migrates it, and reads every
// row back: the rebuild keeps them all, the rows that reference subjects
// still do, and foreign keys are enforced again afterwards.
func TestMigrateWithoutRowid(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "privet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.MigrateTo(ctx, 12); err != nil {
		t.Fatal(err)
	}
	tn := newTenant()
	at := time.Now().UTC().Truncate(time.Microsecond)
	closed := at.Add(time.Hour)
	var subjects []*privet.Subject
	for i := range 50 {
		s := &privet.Subject{ID: privet.NewID(privet.PrefixSubject), TenantID: tn.ID, Jurisdiction: "DE",
			Status: privet.StatusActive, AgeBand: "adult", SealedBirthDate: []byte{byte(i), 1},
			CreatedAt: at, UpdatedAt: at, LastActivityAt: at,
			Identities: []privet.Identity{
				{Type: privet.IdentityCookieID, Index: []byte{2, byte(i)}, Sealed: []byte{3, byte(i)}},
				{Type: privet.IdentityEmail, Index: []byte{1, byte(i)}, Sealed: []byte{4, byte(i)}},
			},
			Fields: []privet.Field{
				{Name: "address", Category: "user.contact.address", Sealed: []byte{5, byte(i)}, UpdatedAt: at},
				{Name: "name", Category: "user.name", Sealed: []byte{6, byte(i)}, UpdatedAt: at},
			},
		}
		if i%2 == 1 {
			s.Status, s.ClosedAt, s.SealedBirthDate, s.Fields = privet.StatusClosed, &closed, nil, nil
		}
		subjects = append(subjects, s)
	}
	if err := st.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		for _, s := range subjects {
			if err := tx.CreateSubject(ctx, s); err != nil {
				return err
			}
			// A row of another table that references the subject.
			if err := tx.AppendConsent(ctx, &privet.ConsentEvent{ID: privet.NewID(privet.PrefixConsent), TenantID: tn.ID, SubjectID: s.ID,
				Purpose: "marketing.communications.email", State: privet.StateGiven, Source: privet.SourceAPI, Time: at}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"subjects", "identities", "fields"} {
		var ddl string
		if err := st.DB().QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ddl, "WITHOUT ROWID") {
			t.Errorf("%s after migration:\n%s\nwant WITHOUT ROWID", table, ddl)
		}
	}
	for _, s := range subjects {
		if err := st.View(ctx, func(tx privet.Tx) error {
			got, err := tx.Subject(ctx, tn.ID, s.ID)
			if err != nil || !reflect.DeepEqual(got, s) {
				t.Errorf("Subject after migration = %+v, %v; want\n%+v", got, err, s)
			}
			got, err = tx.SubjectByIdentity(ctx, tn.ID, privet.IdentityEmail, s.Identities[1].Index)
			if err != nil || !reflect.DeepEqual(got, s) {
				t.Errorf("SubjectByIdentity after migration = %+v, %v; want\n%+v", got, err, s)
			}
			events, err := tx.ConsentEvents(ctx, tn.ID, privet.ConsentQuery{SubjectID: s.ID})
			if err != nil || len(events) != 1 {
				t.Errorf("consent events after migration = %d, %v; want 1", len(events), err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	var orphans int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("foreign_key_check after migration: %d rows, %v", orphans, err)
	}
	// Foreign keys are on again: an identity of a missing subject is refused.
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.AddIdentity(ctx, tn.ID, privet.NewID(privet.PrefixSubject), privet.Identity{Type: privet.IdentityPhone, Index: []byte{9}})
	})
	if privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("identity of a missing subject after migration: %v, want ENOTFOUND", err)
	}
}

// TestMigrationWithForeignKeysOffChecksThem: a migration that runs with
// foreign keys off and leaves a broken reference does not commit, and the
// connection enforces foreign keys again.
func TestMigrationWithForeignKeysOffChecksThem(t *testing.T) {
	ctx := context.Background()
	st, _, _ := open(t)
	broken := migration.Migration{Version: 1000, Name: "1000_broken.sql", SQL: "-- privet:foreign_keys=off\n" +
		`INSERT INTO fields (tenant_id, subject_id, name, category) VALUES ('ten_x', 'sub_x', 'name', 'user.name');`}
	if err := st.ApplyMigrations(ctx, []migration.Migration{broken}); err == nil {
		t.Fatal("a migration leaving a broken reference applied")
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM fields) + (SELECT count(*) FROM schema_migrations WHERE version = 1000)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after the failed migration: %d rows, %v; want none", n, err)
	}
	_, err := st.DB().ExecContext(ctx, `INSERT INTO fields (tenant_id, subject_id, name, category) VALUES ('ten_x', 'sub_x', 'name', 'user.name')`)
	if err == nil {
		t.Fatal("foreign keys are off after the migration")
	}
}

// TestSubjectByIdentityPlan: the lookup searches by keys only, never scans.
func TestSubjectByIdentityPlan(t *testing.T) {
	st, _, _ := open(t)
	if p := queryPlan(t, st, sqlite.SubjectByIdentitySQL, "ten_1", "email", []byte{1}); strings.Contains(p, "SCAN") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("plan:\n%s\nwant searches only", p)
	}
}
