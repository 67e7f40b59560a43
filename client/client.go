// Package client is the Go client of privet's consent API, for apps that
// ask before they use data: one decision, a batch for a mailing list, and
// recording a choice. Errors come back as *privet.Error with the server's
// stable code and field, so callers match on privet.ErrorCode.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

// DefaultBatchSize is how many subject ids one batch request carries: small
// enough for the server's default 1 MiB body limit.
const DefaultBatchSize = 10_000

// maxResponseBytes bounds what is read from the server: a full batch of
// decisions fits many times over.
const maxResponseBytes = 64 << 20

// Client calls one privet server with one API key. It is safe for
// concurrent use.
type Client struct {
	baseURL   string
	apiKey    string
	http      *http.Client
	batchSize int
	userAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client, e.g. for its transport or timeout.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithBatchSize sets how many ids DecideBatch sends per request.
func WithBatchSize(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.batchSize = n
		}
	}
}

// WithUserAgent names the app in the requests' User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL (e.g. https://privet.internal)
// authenticating with apiKey.
func New(baseURL, apiKey string, opts ...Option) *Client {
	c := &Client{
		baseURL:   strings.TrimRight(baseURL, "/"),
		apiKey:    apiKey,
		http:      &http.Client{Timeout: 30 * time.Second},
		batchSize: DefaultBatchSize,
		userAgent: "privet-go-client",
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// do sends in as JSON and decodes the answer into out (nil for none).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return privet.Errorf(privet.EINVALID, "client: encode request")
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, body)
	if err != nil {
		return privet.Errorf(privet.EINVALID, "client: invalid base URL")
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errors.Join(privet.Errorf(privet.EUNAVAILABLE, "client: the server did not answer"), err)
	}
	defer resp.Body.Close()
	r := io.LimitReader(resp.Body, maxResponseBytes)
	if resp.StatusCode >= 300 {
		return decodeProblem(resp.StatusCode, r)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, r)
		return nil
	}
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return privet.Errorf(privet.EINTERNAL, "client: the server's answer is not valid JSON")
	}
	return nil
}
