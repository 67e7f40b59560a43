package config

import (
	"fmt"
	"net/url"
	"strings"
)

// String prints the configuration with secrets masked, so it can go in a
// log line or a support ticket.
func (c Config) String() string { return c.Redacted() }

// Redacted returns one "name=value" line per setting, with the passwords of
// URLs (database, key store, SMTP, SMS webhook) and the webhook secret masked and their query strings, which
// may carry credentials too, dropped.
func (c Config) Redacted() string {
	var b strings.Builder
	for _, kv := range []struct{ k, v string }{
		{"listen", c.Listen},
		{"data-dir", c.DataDir},
		{"database-url", redactURL(c.DatabaseURL)},
		{"keys-path", redactURL(c.KeysPath)},
		{"master-key-file", c.MasterKeyFile},
		{"kms-uri", c.KMSURI},
		{"policy", c.PolicyFile},
		{"demo", fmt.Sprint(c.Demo)},
		{"log-level", c.LogLevel},
		{"max-body-bytes", fmt.Sprint(c.MaxBodyBytes)},
		{"smtp-url", redactURL(c.SMTPURL)},
		{"public-url", c.PublicURL},
		{"mail-from", c.MailFrom},
		{"sms-webhook-url", redactURL(c.SMSWebhookURL)},
		{"sms-webhook-secret", redactSecret(c.SMSWebhookSecret)},
		{"trusted-proxies", c.TrustedProxies},
		{"key-pool", fmt.Sprint(c.KeyPool)},
	} {
		fmt.Fprintf(&b, "%s=%s\n", kv.k, kv.v)
	}
	return b.String()
}

// redactSecret masks a secret whole; "" stays "" so the printout shows
// whether one is set.
func redactSecret(s string) string {
	if s == "" {
		return ""
	}
	return "xxxxx"
}

// redactURL masks a URL's password and drops its query. Anything that does
// not parse as a URL with a scheme is a plain path and printed as is; a
// value that looks like a URL but does not parse is masked whole.
func redactURL(s string) string {
	if s == "" || !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "xxxxx"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = "xxxxx"
	}
	return u.Redacted()
}
