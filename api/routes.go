package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/requests"
)

// routes lists every route of the API surface. Adding a resource action is
// one line here plus one file with its handler.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler(s.cfg.Registry))
	s.mux.HandleFunc("/", s.notFound)
	// /openapi.json (and .yaml) are served by huma.

	register(s, endpoint{http.MethodGet, "/v1/tenant", "get-tenant", "The API key's tenant", anyKey}, s.tenantGet)
	register(s, endpoint{http.MethodPost, "/v1/keys", "create-key", "Create an API key; the secret is shown once", privet.ScopeAdmin}, s.keyCreate)
	register(s, endpoint{http.MethodGet, "/v1/keys", "list-keys", "List the tenant's API keys", privet.ScopeAdmin}, s.keyList)
	register(s, endpoint{http.MethodDelete, "/v1/keys/{id}", "revoke-key", "Revoke an API key", privet.ScopeAdmin}, s.keyRevoke)

	v := s.cfg.Vault
	registerStatus(s, endpoint{http.MethodPost, "/v1/subjects", "create-subject", "Store a subject; every value is sealed under its own data key", privet.ScopeVaultWrite}, 0, s.subjectCreate, subjectCreateOperation)
	register(s, endpoint{http.MethodGet, "/v1/subjects", "list-subjects", "List subjects, without personal data", privet.ScopeVaultRead}, s.subjectList)
	registerStatus(s, endpoint{http.MethodPost, "/v1/subjects/lookup", "lookup-subject", "Find a subject by identity and read it for a purpose", privet.ScopeVaultRead}, http.StatusOK, s.subjectLookup, lookupOperation)
	register(s, endpoint{http.MethodGet, "/v1/subjects/{id}", "get-subject", "Read a subject for a purpose", privet.ScopeVaultRead}, s.subjectGet)
	register(s, endpoint{http.MethodPatch, "/v1/subjects/{id}", "update-subject", "Change a subject's data", privet.ScopeVaultWrite}, s.subjectUpdate)
	register(s, endpoint{http.MethodDelete, "/v1/subjects/{id}", "erase-subject", "Erase a subject: destroy its key and data", privet.ScopeVaultWrite}, s.subjectErase)
	closeSubject, reopenSubject, touchSubject := v.Close, v.Reactivate, v.Touch
	if r := s.cfg.Retention; r != nil {
		// With retention, closing schedules the policy's rules and activity
		// restarts those of last activity.
		closeSubject, reopenSubject, touchSubject = r.Close, r.Reopen, r.Touch
	}
	registerStatus(s, endpoint{http.MethodPost, "/v1/subjects/{id}/close", "close-subject", "Close the subject's account; retention decides when data goes", privet.ScopeVaultWrite}, http.StatusNoContent, s.subjectLifecycle(closeSubject))
	registerStatus(s, endpoint{http.MethodPost, "/v1/subjects/{id}/restrict", "restrict-subject", "Restrict processing of a subject", privet.ScopeVaultWrite}, http.StatusNoContent, s.subjectLifecycle(v.Restrict))
	registerStatus(s, endpoint{http.MethodPost, "/v1/subjects/{id}/reactivate", "reactivate-subject", "Lift a restriction or reopen an account", privet.ScopeVaultWrite}, http.StatusNoContent, s.subjectLifecycle(reopenSubject))
	registerStatus(s, endpoint{http.MethodPost, "/v1/subjects/{id}/touch", "touch-subject", "Record activity of a subject", privet.ScopeVaultWrite}, http.StatusNoContent, s.subjectLifecycle(touchSubject))

	if s.cfg.Retention != nil {
		register(s, endpoint{http.MethodPost, "/v1/holds", "create-hold", "Place a legal hold on a subject or a data category", privet.ScopeAdmin}, s.holdCreate)
		register(s, endpoint{http.MethodGet, "/v1/holds", "list-holds", "List legal holds", privet.ScopeAdmin}, s.holdList)
		register(s, endpoint{http.MethodGet, "/v1/holds/{id}", "get-hold", "Read a legal hold", privet.ScopeAdmin}, s.holdGet)
		registerStatus(s, endpoint{http.MethodPost, "/v1/holds/{id}/release", "release-hold", "Release a legal hold", privet.ScopeAdmin}, http.StatusOK, s.holdRelease)
		register(s, endpoint{http.MethodGet, "/v1/retention/plan", "retention-plan", "What retention will do to which subject, and when; changes nothing", privet.ScopeAdmin}, s.retentionPlan)
		registerStatus(s, endpoint{http.MethodPost, "/v1/retention/relationship-ended", "relationship-ended", "The relationship with these subjects ended: start the policy's rules", privet.ScopeVaultWrite}, http.StatusNoContent, s.relationshipEnded)
		registerStatus(s, endpoint{http.MethodPost, "/v1/subjects/{id}/age", "age-learned", "Record a subject's age; a child without guardian consent is acted on at once", privet.ScopeVaultWrite}, http.StatusOK, s.ageLearned)
	}

	registerStatus(s, endpoint{http.MethodPost, "/v1/consents", "record-consent", "Record a consent choice in the append-only ledger", privet.ScopeConsentWrite}, 0, s.consentRecord, consentRecordOperation)
	register(s, endpoint{http.MethodGet, "/v1/subjects/{id}/consents", "list-subject-consents", "A subject's consent history", privet.ScopeConsentRead}, s.consentList)
	registerStatus(s, endpoint{http.MethodPost, "/v1/decisions", "decide", "May a purpose be used for this person now?", privet.ScopeConsentRead}, http.StatusOK, s.decide)
	registerStatus(s, endpoint{http.MethodPost, "/v1/decisions/batch", "decide-batch", "Decide one purpose for up to 100,000 subjects", privet.ScopeConsentRead}, http.StatusOK, s.decideBatch, s.decideBatchOperation)

	// Channels: one-click email unsubscribe (RFC 8058) and SMS keywords.
	registerStatus(s, endpoint{http.MethodPost, "/v1/unsubscribe/links", "create-unsubscribe-link", "Sign a one-click unsubscribe link and its email headers", privet.ScopeConsentWrite}, http.StatusOK, s.unsubscribeLink)
	registerStatus(s, endpoint{http.MethodGet, "/u/{token}", "unsubscribe-page", "A page with a button that unsubscribes; changes nothing", public}, http.StatusOK, s.unsubscribePage)
	registerStatus(s, endpoint{http.MethodPost, "/u/{token}", "unsubscribe", "One-click unsubscribe (RFC 8058): records the withdrawal", public}, http.StatusOK, s.unsubscribeClick)
	registerStatus(s, endpoint{http.MethodPost, "/v1/sms/inbound", "sms-inbound", "Act on an inbound text message: STOP, START and their synonyms", privet.ScopeConsentWrite}, http.StatusOK, s.smsInbound)
	// Consent receipts (Kantara Consent Receipt v1.1, signed with the tenant's key).
	register(s, endpoint{http.MethodGet, "/v1/consents/{id}/receipt", "get-consent-receipt", "The signed receipt of a given or withdrawn consent", privet.ScopeConsentRead}, s.consentReceipt)

	// Cookie banner and GPC: public, the choices endpoint rate-limited per client network.
	banner := newBannerRoutes(s)
	s.mux.HandleFunc("GET /banner.js", banner.script)
	s.mux.HandleFunc("GET /.well-known/gpc.json", banner.gpc)
	s.mux.HandleFunc("OPTIONS /v1/public/consents", banner.preflight)
	registerStatus(s, endpoint{http.MethodPost, "/v1/public/consents", "record-banner-consent", "Record a visitor's cookie banner choice", public}, http.StatusNoContent, banner.record)

	if r := s.cfg.Requests; r != nil {
		s.requestRoutes(r)
	}
	// Incidents: breach records, the law's clocks, notices to people and regulators.
	register(s, endpoint{http.MethodPost, "/v1/incidents", "create-incident", "Record a personal data breach; the law's clocks start at discovered_at", privet.ScopeIncidents}, s.incidentCreate)
	register(s, endpoint{http.MethodGet, "/v1/incidents", "list-incidents", "List incidents with their regulator deadline and whether one is overdue", privet.ScopeIncidents}, s.incidentList)
	register(s, endpoint{http.MethodGet, "/v1/incidents/{id}", "get-incident", "An incident with the notices the law asks for and their deadlines", privet.ScopeIncidents}, s.incidentGet)
	registerStatus(s, endpoint{http.MethodPost, "/v1/incidents/{id}/affected", "find-incident-affected", "Record the subjects holding data of the incident's categories", privet.ScopeIncidents}, http.StatusOK, s.incidentFind)
	register(s, endpoint{http.MethodGet, "/v1/incidents/{id}/affected", "list-incident-affected", "The affected subjects' ids: the list to force password resets for", privet.ScopeIncidents}, s.incidentAffected)
	registerStatus(s, endpoint{http.MethodPost, "/v1/incidents/{id}/notify", "notify-incident-people", "Email every affected person the notice, once each, by a durable job", privet.ScopeIncidents}, http.StatusAccepted, s.incidentNotify)
	registerStatus(s, endpoint{http.MethodPost, "/v1/incidents/{id}/regulator-notified", "record-incident-regulator-notified", "Record that the regulator was notified", privet.ScopeIncidents}, http.StatusOK, s.incidentRegulatorNotified)
	registerStatus(s, endpoint{http.MethodPost, "/v1/incidents/{id}/publish", "publish-incident", "Publish the public notice, for when individual notice is impractical", privet.ScopeIncidents}, http.StatusOK, s.incidentPublish)
	registerStatus(s, endpoint{http.MethodPost, "/v1/incidents/{id}/close", "close-incident", "Close an incident", privet.ScopeIncidents}, http.StatusOK, s.incidentClose)
	register(s, endpoint{http.MethodGet, "/v1/incidents/{id}/report", "get-incident-report", "The report to the regulator (GDPR Art. 33(3)), as JSON and Markdown", privet.ScopeIncidents}, s.incidentReport)
	register(s, endpoint{http.MethodGet, "/v1/public/incidents/{id}", "get-public-incident", "A published breach notice", public}, s.incidentPublic)
	// Disclosures to recipients: the transfer check records each one.
	registerStatus(s, endpoint{http.MethodPost, "/v1/transfers/check", "check-transfer", "May a recipient receive these categories of a subject for a purpose now? Allowed checks are recorded as disclosures", privet.ScopeVaultRead}, http.StatusOK, s.transferCheck)
	register(s, endpoint{http.MethodGet, "/v1/subjects/{id}/disclosures", "list-subject-disclosures", "A subject's disclosures to recipients, from the audit log", privet.ScopeAuditRead}, s.disclosureList)
	register(s, endpoint{http.MethodGet, "/v1/subjects/{id}/disclosures/report", "report-subject-disclosures", "A subject's recipients: the last 12 months, or direct marketing in the prior calendar year", privet.ScopeAuditRead}, s.disclosureReport)

	// Complaints and their response clock.
	register(s, endpoint{http.MethodPost, "/v1/complaints", "create-complaint", "Register a complaint and start its response clock", privet.ScopeRequestsAdmin}, s.complaintCreate)
	register(s, endpoint{http.MethodGet, "/v1/complaints", "list-complaints", "List complaints by due date, with overdue counts", privet.ScopeRequestsAdmin}, s.complaintList)
	register(s, endpoint{http.MethodGet, "/v1/complaints/{id}", "get-complaint", "A complaint and its response clock", privet.ScopeRequestsAdmin}, s.complaintGet)
	registerStatus(s, endpoint{http.MethodPost, "/v1/complaints/{id}/answer", "answer-complaint", "Record that a complaint was answered", privet.ScopeRequestsAdmin}, http.StatusOK, s.complaintAnswer)
	registerStatus(s, endpoint{http.MethodPost, "/v1/complaints/{id}/escalate", "escalate-complaint", "Refer a complaint to the body the policy names", privet.ScopeRequestsAdmin}, http.StatusOK, s.complaintEscalate)

	// Disclosures to authorities (the person is told unless gagged) and ended processor entrustments.
	register(s, endpoint{http.MethodPost, "/v1/authority-disclosures", "create-authority-disclosure", "Record a disclosure to an authority; the person is told unless a gag applies", privet.ScopeRequestsAdmin}, s.authorityDisclose)
	register(s, endpoint{http.MethodGet, "/v1/subjects/{id}/authority-disclosures", "list-subject-authority-disclosures", "A subject's disclosures to authorities, gagged ones included", privet.ScopeRequestsAdmin}, s.authorityList)
	registerStatus(s, endpoint{http.MethodPost, "/v1/authority-disclosures/{id}/lift-gag", "lift-authority-gag", "The law no longer forbids the notice: send it", privet.ScopeRequestsAdmin}, http.StatusOK, s.authorityLiftGag)
	register(s, endpoint{http.MethodPost, "/v1/processor-ends", "create-processor-end", "Record that a processor's entrustment ended; its deletion confirmation falls due", privet.ScopeRequestsAdmin}, s.processorEnd)
	register(s, endpoint{http.MethodGet, "/v1/processor-ends", "list-processor-ends", "Ended entrustments by deletion due date", privet.ScopeRequestsAdmin}, s.processorEndList)
	registerStatus(s, endpoint{http.MethodPost, "/v1/processor-ends/{id}/confirm", "confirm-processor-deletion", "Record the processor's confirmation that it deleted the data", privet.ScopeRequestsAdmin}, http.StatusNoContent, s.processorConfirm)
	// Policy versions: published per tenant, in force from their effective date.
	register(s, endpoint{http.MethodPost, "/v1/policy/versions", "publish-policy-version", "Publish a version of the tenant's policy", privet.ScopeAdmin}, s.policyPublish)
	register(s, endpoint{http.MethodGet, "/v1/policy/versions", "list-policy-versions", "The tenant's policy versions and which is in force", anyKey}, s.policyVersions)
	register(s, endpoint{http.MethodGet, "/v1/policy/versions/{version}", "get-policy-version", "One policy version with its source", anyKey}, s.policyVersionGet)
	register(s, endpoint{http.MethodGet, "/v1/public/policy", "announce-policy", "The policy in force and the changes coming, for a site to announce", public}, s.policyAnnounce)
	register(s, endpoint{http.MethodGet, "/v1/policy/diff", "diff-policy-versions", "What changed between two policy versions", anyKey}, s.policyDiff)

	register(s, endpoint{http.MethodPost, "/v1/resources/{id}/events", "record-resource-event", "Record that a person viewed or edited a resource (a document), in the audit log", privet.ScopeVaultWrite}, s.resourceRecord)
	register(s, endpoint{http.MethodGet, "/v1/resources/{id}/history", "resource-history", "Who viewed or edited a resource and when, with names read for a purpose", privet.ScopeAuditRead}, s.resourceHistory)
	register(s, endpoint{http.MethodGet, "/v1/audit/events", "list-audit-events", "Query the audit log by subject, actor, action and time", privet.ScopeAuditRead}, s.auditEvents)
	registerStatus(s, endpoint{http.MethodPost, "/v1/audit/verify", "verify-audit", "Verify the audit log's hash chain and signed checkpoints", privet.ScopeAuditRead}, http.StatusOK, s.auditVerify)
	register(s, endpoint{http.MethodPost, "/v1/audit/checkpoints", "create-audit-checkpoint", "Sign the audit log's head now", privet.ScopeAdmin}, s.auditCheckpoint)
}

// requestRoutes lists the data-subject request routes: the privacy team's
// (scope requests:admin) and the public intake, verification and status.
func (s *Server) requestRoutes(r *requests.Service) {
	const scope = privet.ScopeRequestsAdmin
	register(s, endpoint{http.MethodPost, "/v1/requests", "create-request", "File a request for the app's signed-in user", scope}, s.requestCreate)
	register(s, endpoint{http.MethodGet, "/v1/requests", "list-requests", "List requests by due date", scope}, s.requestList)
	register(s, endpoint{http.MethodGet, "/v1/requests/report", "report-requests", "Per-period counts per request type (JSON or CSV)", scope}, s.requestReport)
	register(s, endpoint{http.MethodGet, "/v1/requests/{id}", "get-request", "A request", scope}, s.requestGet)
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/approve", "approve-request", "Approve a request the policy holds for approval", scope}, http.StatusOK, s.requestAction(r.Approve))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/deny", "deny-request", "Deny a request with a reason; the requester learns how to appeal or complain", scope}, http.StatusOK, s.requestReasoned(r.Deny))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/extend", "extend-request", "Extend the deadline by the legal maximum, with a reason", scope}, http.StatusOK, s.requestReasoned(r.Extend))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/await-info", "await-request-info", "Wait for information asked of the requester; the clock pauses where the law allows", scope}, http.StatusOK, s.requestAction(r.AwaitInfo))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/resume", "resume-request", "The information arrived: the clock runs again", scope}, http.StatusOK, s.requestAction(r.Resume))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/charge", "charge-request", "Hold a request judged excessive or repetitive for the policy's fee estimate (reason: excessive or repetitive); the requester is told why and how much first", scope}, http.StatusOK, s.requestReasoned(r.Charge))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/accept-fee", "accept-request-fee", "Record the subject's acceptance of the request's fee", scope}, http.StatusOK, s.requestAction(r.AcceptFee))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/confirm", "confirm-request", "Record the subject's confirmation of an erasure", scope}, http.StatusOK, s.requestAction(r.Confirm))
	registerStatus(s, endpoint{http.MethodPost, "/v1/requests/{id}/verify", "verify-request-as-app", "Vouch for a public request's requester as a signed-in subject", scope}, http.StatusOK, s.requestVerifyApp)

	registerStatus(s, endpoint{http.MethodPost, "/v1/public/requests", "file-public-request", "File a request with an email or phone; a code is sent to it", public}, http.StatusAccepted, s.publicRequestCreate)
	registerStatus(s, endpoint{http.MethodPost, "/v1/public/requests/verify", "verify-public-request", "Verify a request with the code sent", public}, http.StatusOK, s.publicRequestVerify)
	registerStatus(s, endpoint{http.MethodPost, "/v1/public/requests/code", "send-public-request-code", "Send a new code for a request waiting for one", public}, http.StatusAccepted, s.publicRequestCode)
	registerStatus(s, endpoint{http.MethodPost, "/v1/public/requests/confirm", "confirm-public-request", "Confirm an erasure through the status link", public}, http.StatusOK, s.publicRequestConfirm)
	registerStatus(s, endpoint{http.MethodGet, "/v1/public/requests/status/{token}", "get-public-request-status", "A request's status, for whoever holds its link", public}, http.StatusOK, s.publicRequestStatus)
	registerStatus(s, endpoint{http.MethodGet, "/v1/public/packages/{token}", "download-package", "Download an access package (a ZIP) through its signed link; audited before it streams", public}, http.StatusOK, s.packageDownload)
}

// largeBodies lists the routes whose bodies may exceed the configured limit,
// with their own limit: a batch decision carries up to 100,000 subject ids.
var largeBodies = map[string]int64{
	"POST /v1/decisions/batch": 8 << 20,
	// A policy source up to policy.MaxSize, grown by JSON escaping.
	"POST /v1/policy/versions": 2 * policy.MaxSize,
}

// bodyLimit is the body limit of a route.
func bodyLimit(route string, fallback int64) int64 {
	return max(largeBodies[route], fallback)
}

// anyKey marks an operation any valid API key of the tenant may call.
const anyKey privet.Scope = ""

// public marks an operation that needs no API key (e.g. request intake).
const public privet.Scope = "-"

// endpoint is one line of the route table.
type endpoint struct {
	Method  string
	Path    string
	ID      string
	Summary string
	// Scope is the scope the key must carry: anyKey for any valid key,
	// public for none at all.
	Scope privet.Scope
}

// securityScheme names the bearer API key scheme in the OpenAPI document.
const securityScheme = "apiKey"

// scopeMetadata is the operation metadata key holding the required scope.
const scopeMetadata = "privet.scope"

// register adds one operation. Its scope goes both into the OpenAPI document
// (as the security requirement, so clients and the tests can read it) and
// into the operation's metadata, where the auth middleware enforces it.
func register[I, O any](s *Server, e endpoint, h func(context.Context, *I) (*O, error)) {
	registerStatus(s, e, 0, h)
}

// registerStatus is register with the success status given: without one,
// POST answers 201 Created and DELETE 204 No Content. opts adjust the
// operation of the rare route that needs more (see decideBatch).
func registerStatus[I, O any](s *Server, e endpoint, status int, h func(context.Context, *I) (*O, error), opts ...func(*huma.Operation)) {
	op := huma.Operation{
		OperationID:  e.ID,
		Method:       e.Method,
		Path:         e.Path,
		Summary:      e.Summary,
		MaxBodyBytes: bodyLimit(e.Method+" "+e.Path, s.cfg.MaxBodyBytes),
		Metadata:     map[string]any{scopeMetadata: e.Scope},
		Errors:       []int{http.StatusBadRequest, http.StatusUnprocessableEntity},
	}
	switch {
	case status != 0:
		op.DefaultStatus = status
	case e.Method == http.MethodPost:
		op.DefaultStatus = http.StatusCreated
	case e.Method == http.MethodDelete:
		op.DefaultStatus = http.StatusNoContent
	}
	if e.Scope != public {
		scopes := []string{}
		if e.Scope != anyKey {
			scopes = append(scopes, string(e.Scope))
			op.Errors = append(op.Errors, http.StatusForbidden)
		}
		op.Security = []map[string][]string{{securityScheme: scopes}}
		op.Errors = append(op.Errors, http.StatusUnauthorized)
	}
	for _, opt := range opts {
		opt(&op)
	}
	huma.Register(s.api, op, h)
}
