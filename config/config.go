// Package config is privet's typed configuration: defaults, command-line
// flags, PRIVET_* environment variables (a flag given on the command line
// wins over the environment), a cross-field Validate, and a printable form
// with every secret masked.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Config is the configuration of a privet process. Empty paths mean the
// default place inside DataDir; the accessor methods resolve them.
type Config struct {
	Listen        string // address to serve HTTP on, host:port
	DataDir       string // directory of the SQLite files and the master key file
	DatabaseURL   string // "" for SQLite in DataDir, or a postgres:// URL
	KeysPath      string // the key store: a SQLite file, or a postgres:// URL on PostgreSQL
	MasterKeyFile string // the master keyset file; "" for DataDir/master.json unless KMSURI is set
	KMSURI        string // a KMS key URI wrapping the master key, instead of a file
	PolicyFile    string // the privacy policy (YAML) to load at start
	Demo          bool   // serve a demo tenant with the example policy
	LogLevel      string // debug, info, warn or error
	MaxBodyBytes  int64  // the largest request body accepted
	SMTPURL       string // smtp://user:password@host:port for outgoing email; "" for none
	PublicURL     string // the URL people reach privet at, for links in emails
	MailFrom      string // the From address of the emails privet sends
	// SMSWebhookURL receives text messages to send as signed JSON POSTs; ""
	// for none. SMSWebhookSecret is the HMAC key that signs them.
	SMSWebhookURL    string
	SMSWebhookSecret string
	// TrustedProxies lists the reverse proxies (IPs or CIDR prefixes,
	// comma-separated) whose X-Forwarded-For header names the client.
	TrustedProxies string
	// KeyPool is how many data keys (each with its new subject's id) a
	// server makes and commits ahead per tenant, so a create waits for one
	// commit instead of two; 0 makes each key at create time.
	KeyPool int
}

// DefaultKeyPool is the default of --key-pool; MaxKeyPool bounds it (keys
// are kept open in memory, for up to 64 tenants).
const (
	DefaultKeyPool = 256
	MaxKeyPool     = 4096
)

// Default returns the configuration with every default filled in.
func Default() Config {
	return Config{
		Listen:       "127.0.0.1:8080",
		DataDir:      "./privet-data",
		LogLevel:     "info",
		MaxBodyBytes: 1 << 20,
		MailFrom:     "privet@localhost",
		KeyPool:      DefaultKeyPool,
	}
}

// RegisterFlags binds c's fields to flags on fs, with c's current values as
// the defaults.
func (c *Config) RegisterFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "address to serve HTTP on (host:port)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the SQLite databases and the master key file")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL (postgres://...); empty for SQLite in the data directory")
	fs.StringVar(&c.KeysPath, "keys-path", c.KeysPath, "key store: a SQLite file (default <data-dir>/keys.db) or a postgres:// URL")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", c.MasterKeyFile, "master keyset file (default <data-dir>/master.json)")
	fs.StringVar(&c.KMSURI, "kms-uri", c.KMSURI, "KMS key URI wrapping the master key, instead of a master key file")
	fs.StringVar(&c.PolicyFile, "policy", c.PolicyFile, "privacy policy file (YAML) to load")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "serve a demo tenant with an example policy")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest request body accepted, in bytes")
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "SMTP server for outgoing email (smtp://user:password@host:port)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "URL people reach privet at, used in links in emails")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "From address of the emails privet sends")
	fs.StringVar(&c.SMSWebhookURL, "sms-webhook-url", c.SMSWebhookURL, "URL that receives text messages to send, as signed JSON POSTs; empty for none")
	fs.StringVar(&c.SMSWebhookSecret, "sms-webhook-secret", c.SMSWebhookSecret, "secret that signs the SMS webhook's requests (HMAC-SHA256)")
	fs.IntVar(&c.KeyPool, "key-pool", c.KeyPool, "data keys a server makes and commits ahead per tenant, so a create waits for one commit instead of two; 0 for none")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "reverse proxies whose X-Forwarded-For names the client: IPs or CIDR prefixes, comma-separated; empty trusts none")
}

// EnvName is the environment variable of a flag: PRIVET_ and the flag's name
// in upper case, dashes as underscores ("data-dir" → PRIVET_DATA_DIR).
func EnvName(flagName string) string {
	return "PRIVET_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ApplyEnv sets every flag of fs not given on the command line from its
// PRIVET_* variable, if lookup finds one. Flags win over the environment.
func ApplyEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed {
			return
		}
		v, ok := lookup(EnvName(f.Name))
		if !ok {
			return
		}
		if setErr := fs.Set(f.Name, v); setErr != nil {
			// The value is not echoed: it may be a secret.
			err = fmt.Errorf("%s (for --%s): invalid value", EnvName(f.Name), f.Name)
		}
	})
	return err
}

// Postgres reports whether the data lives in PostgreSQL.
func (c *Config) Postgres() bool { return c.DatabaseURL != "" }

// DatabasePath is the SQLite database file when not on PostgreSQL.
func (c *Config) DatabasePath() string { return filepath.Join(c.DataDir, "privet.db") }

// KeyStorePath is the key store: KeysPath, or on PostgreSQL the data
// database (the key store keeps to its own schema, privet_keys, which data
// backups leave out), or DataDir/keys.db.
func (c *Config) KeyStorePath() string {
	if c.KeysPath != "" {
		return c.KeysPath
	}
	if c.Postgres() {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "keys.db")
}

// MasterKeyPath is the master keyset file: MasterKeyFile, or
// DataDir/master.json. With a KMS the file in DataDir holds the keyset
// encrypted by the KMS key instead of a local one.
func (c *Config) MasterKeyPath() string {
	if c.MasterKeyFile != "" {
		return c.MasterKeyFile
	}
	return filepath.Join(c.DataDir, "master.json")
}

// Validate checks every setting and the settings against each other. The
// error names the flag at fault.
func (c *Config) Validate() error {
	if err := validateListen(c.Listen); err != nil {
		return err
	}
	if c.DataDir == "" {
		return fmt.Errorf("--data-dir: must not be empty")
	}
	if c.DatabaseURL != "" && !isPostgresURL(c.DatabaseURL) {
		return fmt.Errorf("--database-url: must be a postgres:// URL, or empty for SQLite")
	}
	if isPostgresURL(c.KeysPath) && !c.Postgres() {
		return fmt.Errorf("--keys-path: a PostgreSQL key store needs --database-url too")
	}
	if c.Postgres() && c.KeysPath != "" && !isPostgresURL(c.KeysPath) {
		return fmt.Errorf("--keys-path: on PostgreSQL the key store is a postgres:// URL (by default the same database, in its own schema)")
	}
	if c.KMSURI != "" && c.MasterKeyFile != "" {
		return fmt.Errorf("--kms-uri and --master-key-file: give one, not both")
	}
	if c.KMSURI != "" {
		// Key URIs (aws-kms://arn:aws:kms:...) are not URLs a parser accepts.
		if scheme, rest, ok := strings.Cut(c.KMSURI, "://"); !ok || scheme == "" || rest == "" {
			return fmt.Errorf("--kms-uri: must be a key URI such as aws-kms://... or gcp-kms://...")
		}
	}
	if _, err := c.SlogLevel(); err != nil {
		return fmt.Errorf("--log-level: must be debug, info, warn or error")
	}
	if c.KeyPool < 0 || c.KeyPool > MaxKeyPool {
		return fmt.Errorf("--key-pool: must be between 0 and %d", MaxKeyPool)
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 64<<20 {
		return fmt.Errorf("--max-body-bytes: must be between 1024 and %d", 64<<20)
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return fmt.Errorf("--smtp-url: must be smtp://host:port or smtps://host:port")
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--public-url: must be an http:// or https:// URL")
		}
	}
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Address == "" || strings.ContainsAny(c.MailFrom, "\r\n") {
		return fmt.Errorf("--mail-from: must be an email address, optionally with a name (Privacy <privacy@example.com>)")
	}
	if c.SMSWebhookURL != "" {
		u, err := url.Parse(c.SMSWebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--sms-webhook-url: must be an http:// or https:// URL")
		}
		if len(c.SMSWebhookSecret) < minSMSSecret {
			return fmt.Errorf("--sms-webhook-secret: must be at least %d characters when --sms-webhook-url is set", minSMSSecret)
		}
	}
	if c.SMSWebhookSecret != "" && c.SMSWebhookURL == "" {
		return fmt.Errorf("--sms-webhook-secret: set without --sms-webhook-url")
	}
	if _, err := c.TrustedProxyPrefixes(); err != nil {
		return err
	}
	return nil
}

// TrustedProxyPrefixes is TrustedProxies parsed: a bare IP is a prefix of
// its full length.
func (c *Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(c.TrustedProxies, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("--trusted-proxies: each entry must be an IP address or a CIDR prefix such as 10.0.0.0/8")
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// SlogLevel is LogLevel as a slog.Level.
func (c *Config) SlogLevel() (slog.Level, error) {
	switch strings.ToLower(c.LogLevel) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--log-level: must be debug, info, warn or error")
}

func validateListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen: must be host:port")
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /") {
		return fmt.Errorf("--listen: the host is not valid")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--listen: the port must be a number from 0 to 65535")
	}
	return nil
}

// minSMSSecret is the shortest webhook secret accepted: a shorter one could
// be guessed, and whoever guesses it can forge messages to the receiver.
const minSMSSecret = 16

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
