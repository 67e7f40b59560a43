package migration_test

import (
	"testing"
	"testing/fstest"

	"github.com/privet-dev/privet/internal/migration"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  int // migrations, or -1 for an error
	}{
		{"in sequence", fstest.MapFS{"m/0001_init.sql": {Data: []byte("a")}, "m/0002_more.sql": {Data: []byte("b")}}, 2},
		{"a gap", fstest.MapFS{"m/0001_init.sql": {}, "m/0003_more.sql": {}}, -1},
		{"no number", fstest.MapFS{"m/init.sql": {}}, -1},
		{"not sql", fstest.MapFS{"m/0001_init.txt": {}}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := migration.Load(tt.files, "m")
			if tt.want < 0 {
				if err == nil {
					t.Fatalf("loaded %v, want an error", ms)
				}
				return
			}
			if err != nil || len(ms) != tt.want || ms[0].Version != 1 || ms[0].SQL != "a" {
				t.Fatalf("Load = %+v, %v", ms, err)
			}
		})
	}
}
