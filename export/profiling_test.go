package export_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWriteSaysWhetherAnyPurposeProfiles checks that the copy answers the
// profiling question both ways: "no" explicitly for a policy without it,
// and each profiling purpose with its logic for one with it.
func TestWriteSaysWhetherAnyPurposeProfiles(t *testing.T) {
	type purpose struct {
		Key            string `json:"key"`
		Profiling      *bool  `json:"profiling"`
		ProfilingLogic string `json:"profiling_logic"`
	}
	type disclosed struct {
		Disc struct {
			Purposes  []purpose `json:"purposes"`
			Automated *struct {
				Any      bool `json:"any"`
				Purposes []struct {
					Key, Logic string
				} `json:"purposes"`
			} `json:"automated_decisions"`
		} `json:"disclosures"`
	}
	read := func(files map[string][]byte) disclosed {
		var d disclosed
		if err := json.Unmarshal(files["data.json"], &d); err != nil {
			t.Fatal(err)
		}
		return d
	}

	// The example profiles nobody: the copy says so, in data.json and on the page.
	in := hostileContents(t)
	files := write(t, in)
	d := read(files)
	if d.Disc.Automated == nil || d.Disc.Automated.Any || len(d.Disc.Automated.Purposes) != 0 {
		t.Errorf("automated_decisions = %+v, want present and none", d.Disc.Automated)
	}
	for _, p := range d.Disc.Purposes {
		if p.Profiling == nil || *p.Profiling {
			t.Errorf("purpose %s profiling = %v, want an explicit false", p.Key, p.Profiling)
		}
	}
	if !strings.Contains(string(files["index.html"]), "No purpose involves automated decision-making or profiling.") {
		t.Error("index.html does not say that no purpose profiles")
	}

	// A purpose marked profiling, with its logic.
	const logic = "Leads are scored from company size and page views; a low score only delays a sales call."
	in = hostileContents(t)
	for i := range in.Policy.Policy.Purposes {
		if p := &in.Policy.Policy.Purposes[i]; p.Key == "marketing.communications.email" {
			p.Profiling, p.ProfilingLogic = true, logic
		}
	}
	files = write(t, in)
	d = read(files)
	a := d.Disc.Automated
	if a == nil || !a.Any || len(a.Purposes) != 1 || a.Purposes[0].Key != "marketing.communications.email" || a.Purposes[0].Logic != logic {
		t.Errorf("automated_decisions = %+v, want the marketing purpose with its logic", a)
	}
	page := string(files["index.html"])
	if !strings.Contains(page, "involve automated decision-making or profiling") || !strings.Contains(page, "a low score only delays a sales call") {
		t.Error("index.html does not name the profiling purpose and its logic")
	}
}
