package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// maxReceiptFile bounds what verify-receipt reads: a receipt is a few KB.
const maxReceiptFile = 1 << 20

func (a *app) consentCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "consent", Short: "Work with the consent ledger", Args: noArgs}
	cmd.AddCommand(a.verifyReceiptCommand(), a.renewCommand())
	return cmd
}

// renewCommand applies a policy change to the ledger: consents given for a
// purpose the new version widens must be given again before it is used.
func (a *app) renewCommand() *cobra.Command {
	var tenantID string
	cmd := &cobra.Command{
		Use:   "renew OLD.yaml NEW.yaml",
		Short: "Mark consents for purposes the new policy widens as needing renewal",
		Long: "renew compares two versions of the policy. For every consent-based purpose the new version widens\n" +
			"(new categories or recipients), consents given under the old version become needs-renewal, and\n" +
			"decisions deny that purpose until the person consents again. Run it when the new version takes effect.",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			old, err := policy.Load(args[0])
			if err != nil {
				return err
			}
			next, err := policy.Load(args[1])
			if err != nil {
				return err
			}
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				m.Consent.Policies = vault.StaticPolicy{Compiled: next}
				n, err := m.Consent.Renew(ctx, tenancy.Operator(), tenantID, old, next)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.out, "%d consents need renewal (widened purposes: %s)\n", n, strings.Join(policy.WidenedPurposes(old, next), ", "))
				return err
			})
		},
	}
	tenantFlag(cmd, &tenantID)
	return cmd
}

func (a *app) verifyReceiptCommand() *cobra.Command {
	var tenantID string
	cmd := &cobra.Command{
		Use:   "verify-receipt FILE",
		Short: "Check a consent receipt's signature against the tenant's key and print it (exit 1 if it does not verify)",
		Long: "FILE holds the receipt as downloaded from GET /v1/consents/{id}/receipt (JSON with a \"jws\" field) " +
			"or the compact JWS alone. Only the signed payload is trusted and printed.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			jws, err := readReceiptFile(args[0])
			if err != nil {
				return err
			}
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				tenant, err := m.Tenancy.Tenant(ctx, tenantID)
				if err != nil {
					return err
				}
				r, err := consent.VerifyReceipt(tenant.SigningPublicKey, tenantID, jws)
				if err != nil {
					return privet.Errorf(privet.EINTEGRITY, "the receipt does not verify with the key of tenant %s", tenantID)
				}
				fmt.Fprintf(a.out, "receipt %s verified: signed by tenant %s\n", r.ConsentReceiptID, tenantID)
				return a.printJSON(r)
			})
		},
	}
	tenantFlag(cmd, &tenantID)
	return cmd
}

// readReceiptFile returns the compact JWS in path: the API's JSON answer or
// the JWS alone.
func readReceiptFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", privet.Errorf(privet.EINVALID, "cannot read the receipt file")
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxReceiptFile+1))
	if err != nil {
		return "", privet.Errorf(privet.EINVALID, "cannot read the receipt file")
	}
	if len(raw) > maxReceiptFile {
		return "", privet.Errorf(privet.ETOOLARGE, "the receipt file is too large")
	}
	data := strings.TrimSpace(string(raw))
	if strings.HasPrefix(data, "{") {
		var wrapped struct {
			JWS string `json:"jws"`
		}
		if err := json.Unmarshal([]byte(data), &wrapped); err != nil || wrapped.JWS == "" {
			return "", privet.Errorf(privet.EINVALID, "the receipt file holds JSON without a jws field")
		}
		return wrapped.JWS, nil
	}
	return data, nil
}
