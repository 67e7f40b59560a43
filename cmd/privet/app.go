package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/api"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/complaint"
	"github.com/privet-dev/privet/config"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/jobs"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/postgres"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/resources"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/sqlite"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
	"github.com/privet-dev/privet/vault"
)

// Main is a privet process: its stores, master key, services and HTTP
// server. The serve command runs one; end-to-end tests run one in-process.
type Main struct {
	Config config.Config
	Logger *slog.Logger
	// Policy is the compiled policy to serve, if any.
	Policy *policy.Compiled
	// Clock tells every service the time; nil is the system clock. Tests
	// travel in time through it instead of sleeping.
	Clock privet.Clock
	// Ready is closed once the server listens; Addr is then its address.
	Ready chan struct{}
	Addr  string

	Store   privet.Store
	Keys    privet.DataKeyStore
	Master  *crypto.Master
	Tenancy *tenancy.Service
	Vault   *vault.Service
	Audit   *audit.Service
	// Resources keeps resources' access histories.
	Resources *resources.Service
	Consent   *consent.Service
	// Requests runs data-subject requests: its notices go through Notices,
	// its access packages are built into Packages, and erasures keep what
	// legal holds keep.
	Requests *requests.Service
	// Packages keeps access packages and signs their download links.
	Packages *export.Packages
	// Notices sends the requests' notices by Mail (and SMS, if configured).
	Notices *requests.MailNotifier
	// Incidents keeps breach records and sends their notices through Reach.
	Incidents *incident.Service
	// Mail delivers email: the SMTP server of the configuration, if any.
	// Without one, notices wait (their job retries) until one is set.
	Mail notify.Sender
	// SMS sends text messages through the configured webhook, if any.
	SMS notify.SMSSender
	// Reach sends the notices everyone must get (wind-down, breach,
	// disclosure to an authority) by Mail, or by SMS to a person known by
	// phone alone; its senders follow Mail and SMS.
	Reach *notify.Reacher
	// Transfers checks disclosures to recipients; Complaints keeps the
	// complaints register.
	Transfers  *transfer.Service
	Complaints *complaint.Service
	// Disclosures keeps disclosures to authorities (their notices are sent
	// by a job) and ended processor entrustments.
	Disclosures *disclosure.Service
	// Policies serves each tenant's published policy versions, falling back
	// to Policy, and publishes new ones.
	Policies *policies.Service
	// Retention keeps holds, lifecycle events and retention sweeps.
	Retention *retention.Service
	// Jobs runs background work: checkpoints, key re-wrapping, policy
	// change notices and activation, retention sweeps.
	Jobs *jobs.Runner

	// schemas are the stores' migrators, data store first.
	schemas []schemaStore
	// collectors are the stores' own metrics, served at /metrics.
	collectors []prometheus.Collector
	// policyMu orders the jobs that set the policy of a one-shot command
	// (usePolicy): workers run concurrently.
	policyMu sync.Mutex
}

// schemaStore is a store with a schema this binary migrates and checks.
type schemaStore interface {
	Migrate(ctx context.Context) error
	CheckSchema(ctx context.Context) error
}

// NewMain returns a Main for the configuration.
func NewMain(cfg config.Config, logger *slog.Logger) *Main {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Main{Config: cfg, Logger: logger, Ready: make(chan struct{})}
}

// Open opens the master key, the stores, migrates them and checks their
// schema, and builds the services. createMaster makes the master key file
// if it does not exist yet.
func (m *Main) Open(ctx context.Context, createMaster bool) error {
	cfg := &m.Config
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return privet.Errorf(privet.EUNAVAILABLE, "cannot create the data directory %s", cfg.DataDir)
	}
	var err error
	if m.Master, err = openMaster(ctx, cfg, createMaster); err != nil {
		return err
	}
	if cfg.Postgres() {
		err = m.openPostgres(ctx)
	} else {
		err = m.openSQLite(ctx)
	}
	if err != nil {
		return err
	}
	for _, s := range m.schemas {
		if err := s.Migrate(ctx); err != nil {
			return err
		}
	}
	if err := m.checkSchema(ctx); err != nil {
		return err
	}
	if err := m.openSenders(); err != nil {
		return err
	}
	// Templates are parsed now: a broken one fails the start, not a notice.
	templates, err := notify.LoadTemplates()
	if err != nil {
		return err
	}
	clock := privet.ClockOr(m.Clock)
	m.Clock = clock
	m.Tenancy = &tenancy.Service{Store: m.Store, Master: m.Master, Clock: clock}
	m.Policies = &policies.Service{Store: m.Store, Fallback: m.Policy, Clock: clock, Logger: m.Logger}
	m.Vault = &vault.Service{Store: m.Store, Keys: m.Keys, Master: m.Master, Policies: m.Policies, Clock: clock, Logger: m.Logger}
	m.Vault.ReloadMaster = func() error { return m.Master.Reload(cfg.MasterKeyPath()) }
	m.Audit = &audit.Service{Store: m.Store, Master: m.Master, Clock: clock}
	m.Consent = &consent.Service{Store: m.Store, Master: m.Master, Policies: m.Policies, Clock: clock, Logger: m.Logger}
	m.Policies.Renewer = m.Consent
	m.Policies.Notices = &policies.Notices{Sender: m.Mail, Subjects: m.Vault}
	m.Reach = &notify.Reacher{Contacts: m.Vault, Mail: m.Mail, SMS: m.SMS}
	m.Incidents = &incident.Service{Store: m.Store, Vault: m.Vault, Policies: m.Policies, Clock: clock,
		Reacher: m.Reach, Renderer: incident.TemplateRenderer{Templates: templates}}
	// Decisions keep subjects' status in memory: a vault change must reach them.
	m.Vault.Changed = m.Consent.Forget
	m.Packages = &export.Packages{Store: m.Store, Master: m.Master, Clock: clock}
	m.Notices = &requests.MailNotifier{Templates: templates, Mail: m.Mail, SMS: m.SMS, Packages: m.Packages,
		Vault: m.Vault, Policies: m.Policies, PublicURL: cfg.PublicURL, Clock: clock}
	m.Requests = &requests.Service{Store: m.Store, Keys: m.Keys, Master: m.Master, Vault: m.Vault, Consent: m.Consent,
		Policies: m.Policies, Clock: clock, Logger: m.Logger, Notifier: m.Notices,
		Packages: &export.Builder{Packages: m.Packages, Vault: m.Vault, Consent: m.Consent, Policies: m.Policies}}
	// An erasure keeps what the legal holds placed through retention keep.
	m.Requests.Holds = requests.LegalHolds{Store: m.Store, Clock: clock}
	m.Transfers = &transfer.Service{Store: m.Store, Policies: m.Policies, Consent: m.Consent, Clock: clock}
	m.Complaints = &complaint.Service{Store: m.Store, Policies: m.Policies, Clock: clock}
	// Notices of disclosures to authorities go through Reach; without a
	// sender they wait in their jobs, retried (see docs/transfers.md).
	m.Disclosures = &disclosure.Service{Store: m.Store, Policies: m.Policies, Clock: clock,
		Renderer: disclosure.TemplateRenderer{Templates: templates}, Reacher: m.Reach}
	m.Retention = &retention.Service{Store: m.Store, Keys: m.Keys, Vault: m.Vault, Policies: m.Policies, Clock: clock,
		Templates: templates}
	m.Resources = &resources.Service{Store: m.Store, Vault: m.Vault, Clock: clock}
	m.Retention.Changed = m.Consent.Forget
	// A new subject's data starts the rules triggered by its collection.
	m.Vault.Created = retention.ScheduleCollected
	return m.newJobs()
}

// openSenders makes the email and text message senders the configuration
// names, unless they were set already (tests set their own).
func (m *Main) openSenders() error {
	cfg := &m.Config
	if m.Mail == nil && cfg.SMTPURL != "" {
		s, err := notify.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return err
		}
		m.Mail = s
	}
	if m.SMS == nil && cfg.SMSWebhookURL != "" {
		s, err := notify.NewWebhookSMS(cfg.SMSWebhookURL, cfg.SMSWebhookSecret, nil)
		if err != nil {
			return err
		}
		m.SMS = s
	}
	return nil
}

// setPolicy makes pol the policy of tenants that published none: one-shot
// commands load the policy after Open. Every service reads the policy in
// force through m.Policies.
func (m *Main) setPolicy(pol *policy.Compiled) {
	m.Policy = pol
	m.Policies.Fallback = pol
}

func (m *Main) openSQLite(ctx context.Context) error {
	store, err := sqlite.Open(ctx, m.Config.DatabasePath())
	if err != nil {
		return err
	}
	m.Store = store
	keys, err := sqlite.OpenKeyStore(ctx, m.Config.KeyStorePath())
	if err != nil {
		return err
	}
	m.Keys = keys
	m.schemas = []schemaStore{store, keys}
	m.collectors = []prometheus.Collector{store.Collector(), keys.Collector()}
	m.Jobs, err = jobs.NewSQLite(store.DB(), jobs.Options{Logger: m.Logger, Periodic: periodicJobs})
	return err
}

func (m *Main) openPostgres(ctx context.Context) error {
	store, err := postgres.Open(ctx, m.Config.DatabaseURL)
	if err != nil {
		return err
	}
	m.Store = store
	keys, err := postgres.OpenKeyStore(ctx, m.Config.KeyStorePath())
	if err != nil {
		return err
	}
	m.Keys = keys
	m.schemas = []schemaStore{store, keys}
	m.Jobs, err = jobs.NewPostgres(store.Pool(), jobs.Options{Logger: m.Logger, Periodic: periodicJobs})
	return err
}

func (m *Main) checkSchema(ctx context.Context) error {
	for _, s := range m.schemas {
		if err := s.CheckSchema(ctx); err != nil {
			return err
		}
	}
	return nil
}

func openMaster(ctx context.Context, cfg *config.Config, create bool) (*crypto.Master, error) {
	path := cfg.MasterKeyPath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if !create {
			return nil, privet.Errorf(privet.ENOTFOUND, "no master key at %s: run privet init first", path)
		}
		if cfg.KMSURI != "" {
			err = crypto.CreateMasterKMS(ctx, cfg.KMSURI, path)
		} else {
			err = crypto.CreateMasterFile(path)
		}
		if err != nil {
			return nil, err
		}
	}
	if cfg.KMSURI != "" {
		return crypto.OpenMasterKMS(ctx, cfg.KMSURI, path)
	}
	return crypto.OpenMasterFile(path)
}

// Run serves HTTP until ctx is cancelled, then shuts down gracefully:
// requests in flight finish (within a bound) before Run returns.
func (m *Main) Run(ctx context.Context) error {
	if m.Tenancy == nil {
		if err := m.Open(ctx, false); err != nil {
			return err
		}
	}
	if m.Policy == nil {
		return privet.Errorf(privet.EINVALID, "no policy: serve needs --policy FILE (or --demo)")
	}
	// The services read the policy at each call; Main.Policy and Mail may
	// be set after Open.
	m.setPolicy(m.Policy)
	m.Policies.Notices.Sender = m.Mail
	m.Reach.Mail, m.Reach.SMS = m.Mail, m.SMS
	m.Notices.Mail, m.Notices.SMS = m.Mail, m.SMS
	if m.Notices.PublicURL == "" {
		m.Logger.Warn("no public URL (--public-url): request notices carry no links, and completed access requests wait to be told until one is set")
	}
	// The server listens at once; until the consent decision memory is
	// filled, what needs it answers 503 and /readyz says not ready.
	m.Consent.LoadInBackground(ctx)
	// Only a server makes data keys ahead; one-off commands make their own.
	// Main.Close destroys the unused ones.
	m.Vault.KeyPoolSize = m.Config.KeyPool
	if err := m.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		if err := m.Jobs.Stop(stopCtx); err != nil {
			m.Logger.Error("stop jobs", "error", privet.ErrorCode(err))
		}
	}()
	trustedProxies, err := m.Config.TrustedProxyPrefixes()
	if err != nil {
		return privet.Errorf(privet.EINVALID, "%v", err)
	}
	srv, err := api.New(api.Config{
		Store:          m.Store,
		Tenancy:        m.Tenancy,
		Vault:          m.Vault,
		Consent:        m.Consent,
		Requests:       m.Requests,
		Packages:       m.Packages,
		Incidents:      m.Incidents,
		Retention:      m.Retention,
		Resources:      m.Resources,
		Audit:          m.Audit,
		Transfers:      m.Transfers,
		Complaints:     m.Complaints,
		Disclosures:    m.Disclosures,
		Policy:         m.Policy,
		Policies:       m.Policies,
		Clock:          m.Clock,
		Logger:         m.Logger,
		ReadyCheck:     m.checkSchema,
		Collectors:     m.collectors,
		MaxBodyBytes:   m.Config.MaxBodyBytes,
		Version:        version().Version,
		TrustedProxies: trustedProxies,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return privet.Errorf(privet.EUNAVAILABLE, "cannot listen on %s", m.Config.Listen)
	}
	m.Addr = ln.Addr().String()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	m.Logger.Info("listening", "addr", m.Addr)
	close(m.Ready)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	m.Logger.Info("stopped")
	return nil
}

// Close closes the stores.
func (m *Main) Close() error {
	var errs []error
	if m.Consent != nil {
		errs = append(errs, m.Consent.Close())
	}
	if m.Vault != nil {
		// Before the key store closes: unused pooled keys are destroyed.
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		errs = append(errs, m.Vault.StopKeyPool(ctx))
		cancel()
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	if m.Keys != nil {
		errs = append(errs, m.Keys.Close())
	}
	return errors.Join(errs...)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	level, _ := cfg.SlogLevel()
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
