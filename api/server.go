// Package api is privet's REST API: JSON under /v1 described by an OpenAPI 3.1
// document at /openapi.json, with health, readiness and Prometheus metrics
// beside it. Every route of the surface is listed in routes.go, one file per
// resource action implements it, and errors are RFC 9457 problem documents
// whose code comes from the one table in errors.go.
package api

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/complaint"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/resources"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
	"github.com/privet-dev/privet/vault"
)

// DefaultMaxBodyBytes is the largest request body accepted unless the
// configuration says otherwise.
const DefaultMaxBodyBytes = 1 << 20

// Config holds the dependencies of the API server.
type Config struct {
	Store   privet.Store
	Tenancy *tenancy.Service
	// Vault keeps subjects; Audit reads and proves the audit log.
	Vault *vault.Service
	Audit *audit.Service
	// Consent keeps the consent ledger and answers decisions.
	Consent *consent.Service
	// Requests runs data-subject requests; nil leaves their routes out.
	Requests *requests.Service
	// Packages serves access packages through their signed download
	// links; without it every link answers 404.
	Packages *export.Packages
	// Incidents keeps breach records; without it the incident routes
	// answer 503.
	Incidents *incident.Service
	// Transfers checks and records disclosures to recipients; Complaints
	// keeps the complaints register. Their routes answer 503 while nil.
	Transfers  *transfer.Service
	Complaints *complaint.Service
	// Disclosures keeps disclosures to authorities and ended processor
	// entrustments; its routes answer 503 while nil.
	Disclosures *disclosure.Service
	// Resources records and reads resources' access histories; its routes
	// answer 503 while nil.
	Resources *resources.Service
	// Retention keeps legal holds, lifecycle events and the retention plan;
	// without it those routes are absent and subjects close in the vault.
	Retention *retention.Service
	// Policy is the compiled privacy policy; routes that consult it use it.
	// It may be nil while no policy is loaded.
	Policy *policy.Compiled
	// Policies publishes and serves each tenant's policy versions; the
	// policy routes answer 503 without it.
	Policies *policies.Service
	Clock    privet.Clock
	Logger   *slog.Logger
	// Registry receives the HTTP metrics and is served at /metrics; nil
	// makes a new one with the Go and process collectors.
	Registry *prometheus.Registry
	// Collectors are registered in Registry too: the stores' own metrics,
	// such as SQLite's group-commit batches.
	Collectors []prometheus.Collector
	// ReadyCheck reports whether the store is reachable and its schema
	// current; /readyz answers 503 while it fails. Nil means always ready.
	ReadyCheck func(ctx context.Context) error
	// MaxBodyBytes limits request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Version is shown in the OpenAPI document.
	Version string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; requests from anywhere else are taken at their peer
	// address.
	TrustedProxies []netip.Prefix
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	api     huma.API
	metrics *metrics
	handler http.Handler
	// public rate-limits the routes anyone may call, per client network.
	public *rateLimiter
	// identities rate-limits public requests per identity (its blind index).
	identities *keyLimiter
	// signalsLimit rate-limits recording privacy signals, per client network.
	signalsLimit *rateLimiter
}

// New builds the server and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Tenancy == nil || cfg.Vault == nil || cfg.Audit == nil {
		return nil, privet.Errorf(privet.EINVALID, "api: a store and the tenancy, vault and audit services are required")
	}
	cfg.Clock = privet.ClockOr(cfg.Clock)
	cfg.Logger = privet.LoggerOr(cfg.Logger)
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
		cfg.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	cfg.Version = cmp.Or(cfg.Version, "dev")

	installProblems()

	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	for _, c := range cfg.Collectors {
		if err := cfg.Registry.Register(c); err != nil {
			return nil, privet.Errorf(privet.EINTERNAL, "api: register store metrics")
		}
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: m,
		public:       newRateLimiter(cfg.Clock, publicConsentPerSecond, publicConsentBurst, publicConsentClients),
		identities:   newKeyLimiter(cfg.Clock, publicRequestsPerIdentityPerSecond, publicRequestsPerIdentityBurst, publicRequestIdentities),
		signalsLimit: newRateLimiter(cfg.Clock, publicConsentPerSecond, publicConsentBurst, publicConsentClients)}
	if cfg.Requests != nil {
		if err := cfg.Registry.Register(newRequestDeadlines(cfg.Store, cfg.Clock)); err != nil {
			return nil, privet.Errorf(privet.EINTERNAL, "api: register request metrics")
		}
	}
	s.api = humago.New(s.mux, humaConfig(cfg.Version))
	s.api.UseMiddleware(s.authenticate)
	s.routes()
	s.handler = s.observe(clientAddress(cfg.TrustedProxies, recoverPanics(securityHeaders(privacySignals(limitBody(cfg.MaxBodyBytes, s.mux))))))
	return s, nil
}

// Handler returns the server's root handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// API returns the huma API, e.g. to read its OpenAPI document.
func (s *Server) API() huma.API { return s.api }

func humaConfig(version string) huma.Config {
	c := huma.DefaultConfig("Privet API", version)
	// The default hooks add "$schema" links to every body; clients of a
	// privacy API gain nothing from them, and they leak the schema path.
	c.CreateHooks = nil
	// The docs page loads scripts from a CDN: a self-hosted engine makes no
	// third-party requests, so only the document itself is served.
	c.DocsPath = ""
	c.SchemasPath = ""
	c.OpenAPIPath = "/openapi"
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		securityScheme: {Type: "http", Scheme: "bearer", Description: "An API key: Authorization: Bearer <key>."},
	}
	return c
}
