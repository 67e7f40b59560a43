package config_test

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/privet-dev/privet/config"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*config.Config)
		wantErr string // a substring naming the flag; "" for valid
	}{
		{"defaults", func(*config.Config) {}, ""},
		{"listen without port", func(c *config.Config) { c.Listen = "localhost" }, "--listen"},
		{"listen port out of range", func(c *config.Config) { c.Listen = ":70000" }, "--listen"},
		{"listen any port", func(c *config.Config) { c.Listen = "127.0.0.1:0" }, ""},
		{"empty data dir", func(c *config.Config) { c.DataDir = "" }, "--data-dir"},
		{"database url not postgres", func(c *config.Config) { c.DatabaseURL = "mysql://x" }, "--database-url"},
		{"postgres key store in the data database", func(c *config.Config) { c.DatabaseURL = "postgres://h/db" }, ""},
		{"postgres key store as a file", func(c *config.Config) {
			c.DatabaseURL, c.KeysPath = "postgres://h/db", "keys.db"
		}, "--keys-path"},
		{"postgres with key store", func(c *config.Config) {
			c.DatabaseURL, c.KeysPath = "postgres://h/db", "postgres://h/keys"
		}, ""},
		{"postgres key store on sqlite", func(c *config.Config) { c.KeysPath = "postgres://h/keys" }, "--keys-path"},
		{"kms and master file", func(c *config.Config) { c.KMSURI, c.MasterKeyFile = "aws-kms://k", "m.json" }, "--kms-uri and --master-key-file"},
		{"kms alone", func(c *config.Config) { c.KMSURI = "aws-kms://arn:aws:kms:eu-west-1:1:key/x" }, ""},
		{"unknown log level", func(c *config.Config) { c.LogLevel = "loud" }, "--log-level"},
		{"log level any case", func(c *config.Config) { c.LogLevel = "DEBUG" }, ""},
		{"tiny body limit", func(c *config.Config) { c.MaxBodyBytes = 10 }, "--max-body-bytes"},
		{"negative key pool", func(c *config.Config) { c.KeyPool = -1 }, "--key-pool"},
		{"key pool too large", func(c *config.Config) { c.KeyPool = config.MaxKeyPool + 1 }, "--key-pool"},
		{"no key pool", func(c *config.Config) { c.KeyPool = 0 }, ""},
		{"smtp wrong scheme", func(c *config.Config) { c.SMTPURL = "http://mail" }, "--smtp-url"},
		{"smtp ok", func(c *config.Config) { c.SMTPURL = "smtp://u:p@mail:587" }, ""},
		{"public url relative", func(c *config.Config) { c.PublicURL = "/privacy" }, "--public-url"},
		{"mail from with a name", func(c *config.Config) { c.MailFrom = "Privacy <privacy@example.com>" }, ""},
		{"mail from not an address", func(c *config.Config) { c.MailFrom = "privacy team" }, "--mail-from"},
		{"mail from empty", func(c *config.Config) { c.MailFrom = "" }, "--mail-from"},
		{"sms webhook ok", func(c *config.Config) {
			c.SMSWebhookURL, c.SMSWebhookSecret = "https://sms.example.com/send", "0123456789abcdef"
		}, ""},
		{"sms webhook not http", func(c *config.Config) {
			c.SMSWebhookURL, c.SMSWebhookSecret = "ftp://sms", "0123456789abcdef"
		}, "--sms-webhook-url"},
		{"sms webhook without secret", func(c *config.Config) { c.SMSWebhookURL = "https://sms.example.com" }, "--sms-webhook-secret"},
		{"sms webhook short secret", func(c *config.Config) {
			c.SMSWebhookURL, c.SMSWebhookSecret = "https://sms.example.com", "short"
		}, "--sms-webhook-secret"},
		{"sms secret without url", func(c *config.Config) { c.SMSWebhookSecret = "0123456789abcdef" }, "--sms-webhook-secret"},
		{"trusted proxies", func(c *config.Config) { c.TrustedProxies = "10.0.0.0/8, 192.0.2.7,2001:db8::/32" }, ""},
		{"trusted proxy not an address", func(c *config.Config) { c.TrustedProxies = "10.0.0.0/8,proxy.internal" }, "--trusted-proxies"},
		{"trusted proxy bad prefix", func(c *config.Config) { c.TrustedProxies = "10.0.0.0/33" }, "--trusted-proxies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Default()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate() = %v, want an error naming %s", err, tt.wantErr)
			}
		})
	}
}

func TestTrustedProxyPrefixes(t *testing.T) {
	c := config.Default()
	c.TrustedProxies = " 10.1.2.3/8 ,192.0.2.7,,::ffff:198.51.100.1"
	got, err := c.TrustedProxyPrefixes()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "198.51.100.1/32"}
	if len(got) != len(want) {
		t.Fatalf("prefixes %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{
		"PRIVET_LISTEN":         "0.0.0.0:9000",
		"PRIVET_DATA_DIR":       "/env/data",
		"PRIVET_DEMO":           "true",
		"PRIVET_MAX_BODY_BYTES": "4096",
	}
	c := config.Default()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--data-dir", "/flag/data"}); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if err := config.ApplyEnv(fs, lookup); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/flag/data" {
		t.Errorf("DataDir = %q, want the flag's value", c.DataDir)
	}
	if c.Listen != "0.0.0.0:9000" || !c.Demo || c.MaxBodyBytes != 4096 {
		t.Errorf("environment not applied: %+v", c)
	}
	if c.LogLevel != "info" {
		t.Errorf("LogLevel = %q, want the default", c.LogLevel)
	}
}

func TestApplyEnvBadValueNamesVariableNotValue(t *testing.T) {
	c := config.Default()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c.RegisterFlags(fs)
	_ = fs.Parse(nil)
	err := config.ApplyEnv(fs, func(k string) (string, bool) {
		return "s3cret-not-a-number", k == "PRIVET_MAX_BODY_BYTES"
	})
	if err == nil || !strings.Contains(err.Error(), "PRIVET_MAX_BODY_BYTES") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("ApplyEnv error = %v", err)
	}
}

func TestRedactedMasksSecrets(t *testing.T) {
	c := config.Default()
	c.DatabaseURL = "postgres://privet:hunter2@db:5432/privet?sslmode=require&password=alsosecret"
	c.KeysPath = "postgres://keys:swordfish@db/keys"
	c.SMTPURL = "smtp://mailer:opensesame@mail:587"
	c.SMSWebhookURL = "https://sms.example.com/send?token=tokensecret"
	c.SMSWebhookSecret = "webhook-signing-secret"
	out := c.String()
	for _, secret := range []string{"hunter2", "alsosecret", "swordfish", "opensesame", "tokensecret", "webhook-signing-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("Redacted() shows %q:\n%s", secret, out)
		}
	}
	for _, kept := range []string{"privet:xxxxx@db:5432/privet", "mailer", "listen=127.0.0.1:8080", "sms-webhook-secret=xxxxx", "sms.example.com/send", "mail-from=privet@localhost"} {
		if !strings.Contains(out, kept) {
			t.Errorf("Redacted() lost %q:\n%s", kept, out)
		}
	}
}

func TestDefaultPaths(t *testing.T) {
	c := config.Default()
	c.DataDir = "/d"
	if c.DatabasePath() != "/d/privet.db" || c.KeyStorePath() != "/d/keys.db" || c.MasterKeyPath() != "/d/master.json" {
		t.Errorf("paths: %s %s %s", c.DatabasePath(), c.KeyStorePath(), c.MasterKeyPath())
	}
	c.MasterKeyFile = "/secrets/master.json"
	if c.MasterKeyPath() != "/secrets/master.json" {
		t.Errorf("MasterKeyPath = %q, want the flag's", c.MasterKeyPath())
	}
}
