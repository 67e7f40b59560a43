package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentClients has 64 clients create and read subjects at once:
// every request must succeed (the peers failed most of theirs with "database
// is locked"), and nothing the clients sent may reach the logs.
func TestConcurrentClients(t *testing.T) {
	e := newEnv(t)
	const clients, each = 64, 5
	var wg sync.WaitGroup
	failures := make(chan string, clients*each*2)
	for c := range clients {
		wg.Go(func() {
			for i := range each {
				email := fmt.Sprintf("person-%d-%d@example.com", c, i)
				body := fmt.Sprintf(`{"jurisdiction":"DE","identities":[{"type":"email","value":%q}],
					"fields":[{"name":"name","category":"user.name","value":"Secret Name %d-%d"}]}`, email, c, i)
				if w := e.do(t, "POST", "/v1/subjects", e.adminA, body); w.Code != http.StatusCreated {
					failures <- fmt.Sprintf("create: %d %s", w.Code, w.Body)
					continue
				}
				lookup := fmt.Sprintf(`{"type":"email","value":%q,"purpose":"essential.service"}`, email)
				if w := e.do(t, "POST", "/v1/subjects/lookup", e.adminA, lookup); w.Code != http.StatusOK {
					failures <- fmt.Sprintf("lookup: %d %s", w.Code, w.Body)
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	n := 0
	for f := range failures {
		if n++; n <= 5 {
			t.Error(f)
		}
	}
	if n > 0 {
		t.Fatalf("%d of %d requests failed", n, clients*each*2)
	}
	w := e.do(t, "GET", "/v1/audit/events?action=subject.create&limit=1000", e.adminA, "")
	if got := strings.Count(w.Body.String(), `"action":"subject.create"`); got != clients*each {
		t.Errorf("audited creates = %d, want %d", got, clients*each)
	}
	if w := e.do(t, "POST", "/v1/audit/verify", e.adminA, ""); !strings.Contains(w.Body.String(), `"ok":true`) {
		t.Errorf("audit chain after concurrent writes: %s", w.Body)
	}
	for _, planted := range []string{"person-", "Secret Name", "example.com"} {
		if strings.Contains(e.logs.String(), planted) {
			t.Errorf("logs hold personal data %q", planted)
		}
	}
}
