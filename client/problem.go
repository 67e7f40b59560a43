package client

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/privet-dev/privet"
)

// problem is the part of an RFC 9457 problem document privet's errors use.
type problem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Field  string `json:"field"`
}

// decodeProblem turns an error answer into a *privet.Error. An answer that
// is no problem document (a proxy's error page) keeps a code from its status.
func decodeProblem(status int, r io.Reader) error {
	var p problem
	if err := json.NewDecoder(r).Decode(&p); err != nil || p.Code == "" {
		return privet.Errorf(codeOfStatus(status), "%s", http.StatusText(status))
	}
	msg := p.Detail
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &privet.Error{Code: p.Code, Message: msg, Field: p.Field}
}

func codeOfStatus(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return privet.EINVALID
	case http.StatusUnauthorized:
		return privet.EUNAUTHORIZED
	case http.StatusForbidden:
		return privet.EFORBIDDEN
	case http.StatusNotFound:
		return privet.ENOTFOUND
	case http.StatusConflict:
		return privet.ECONFLICT
	case http.StatusRequestEntityTooLarge:
		return privet.ETOOLARGE
	case http.StatusTooManyRequests:
		return privet.ERATELIMIT
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return privet.EUNAVAILABLE
	default:
		return privet.EINTERNAL
	}
}
