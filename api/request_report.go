package api

import (
	"bytes"
	"context"
	"time"

	"github.com/privet-dev/privet"
)

type requestReportInput struct {
	From   time.Time `query:"from" required:"true" doc:"Start of the period (RFC 3339), inclusive."`
	To     time.Time `query:"to" required:"true" doc:"End of the period (RFC 3339), exclusive."`
	Format string    `query:"format" enum:"json,csv," doc:"json (default) or csv."`
}

type requestReportOutput struct {
	ContentType string `header:"Content-Type"`
	Body        any
}

// requestReport counts the period's requests per type: received, complied
// with in whole or in part, denied by reason, days to respond.
func (s *Server) requestReport(ctx context.Context, in *requestReportInput) (*requestReportOutput, error) {
	rep, err := s.cfg.Requests.Report(ctx, TenantID(ctx), in.From, in.To)
	if err != nil {
		return nil, err
	}
	if in.Format == "csv" {
		var b bytes.Buffer
		if err := rep.WriteCSV(&b); err != nil {
			return nil, privet.Errorf(privet.EINTERNAL, "report not written")
		}
		return &requestReportOutput{ContentType: "text/csv; charset=utf-8", Body: b.Bytes()}, nil
	}
	return &requestReportOutput{ContentType: "application/json", Body: rep}, nil
}
